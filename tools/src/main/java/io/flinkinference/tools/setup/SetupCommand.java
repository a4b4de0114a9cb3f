package io.flinkinference.tools.setup;

import picocli.CommandLine.Command;

/** {@code flink-inference setup}: turn an ONNX model into checked, deployable variants. */
@Command(
        name = "setup",
        description = "Prepare models for deployment: inspect and import an ONNX model, derive variants (weights in FP16, "
                + "INT8 QDQ, 2:4 sparse) that are published only after they agree with their parent on held-out samples, "
                + "and build TensorRT plans for this machine's GPU.",
        mixinStandardHelpOptions = true,
        subcommands = {InspectCommand.class, ImportCommand.class, ExportCommand.class, Fp16Command.class, Int8Command.class, PruneCommand.class, TensorRtCommand.class},
        footer = {"", "Examples:", "  flink-inference setup inspect ppocr-cls",
            "  flink-inference setup fp16 ppocr-cls --rendered-lines 200",
            "  flink-inference setup fp16 mobilenet:1 --samples validation-images/ \\",
            "      --min-agreement 0.995"})
public final class SetupCommand {}
