package io.flinkinference.tools.setup;

import picocli.CommandLine.Command;

/** {@code flink-inference setup}: turn an ONNX model into checked, deployable variants. */
@Command(
        name = "setup",
        description = "Prepare models for deployment: inspect and import an ONNX model, export a PyTorch model to ONNX "
                + "(checked against PyTorch), derive variants (weights in FP16, "
                + "INT8 QDQ, 2:4 sparse) that are published only after they agree with their parent on held-out samples, "
                + "and build TensorRT plans for this machine's GPU.",
        mixinStandardHelpOptions = true,
        subcommands = {InspectCommand.class, ImportCommand.class, ExportCommand.class, Fp16Command.class, Int8Command.class, PruneCommand.class, TensorRtCommand.class},
        footer = {"", "Examples:", "  flink-inference setup inspect ppocr-cls",
            "  flink-inference setup fp16 ppocr-cls --rendered-lines 200",
            "  flink-inference setup fp16 mobilenet:1 --samples validation-images/ \\",
            "      --min-agreement 0.995",
            "  flink-inference setup export classifier.pt --name classifier \\",
            "      --size 224x224 --samples images/",
            "  flink-inference setup prune classifier --finetune \\",
            "      --finetune-samples train-images/ --samples validation-images/"})
public final class SetupCommand {}
