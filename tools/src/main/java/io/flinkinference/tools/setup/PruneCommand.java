package io.flinkinference.tools.setup;

import ai.onnx.proto.OnnxMl;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.ModelVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code setup prune}: the 2:4-sparse variant for TensorRT's sparse tensor cores. */
@Command(footer = {"", "Examples:", "  flink-inference setup prune ppocr-cls", "  flink-inference setup prune ppocr-cls --min-agreement 0  # publish any result",
            "  flink-inference setup export net.py --class OrientationNet \\",
            "      --state-dict weights.pt --name orientation ...",
            "  flink-inference setup prune orientation --finetune \\",
            "      --finetune-samples train-lines/ --samples held-out-lines/"},
        name = "prune", mixinStandardHelpOptions = true,
        description = {"Prune Conv, MatMul and Gemm weights to 2:4 structured sparsity (in every four consecutive "
                + "input-channel weights, the two of smallest magnitude become zero), report every layer, validate "
                + "against the parent and publish only if the agreement is at least --min-agreement.",
            "Without fine-tuning, pruning costs accuracy: the report tells how much. A model exported from PyTorch by "
                + "'setup export' can be fine-tuned with --finetune: pruned in PyTorch, taught the parent's answers on "
                + "--finetune-samples with the pattern kept, exported again, then validated the same way."})
final class PruneCommand implements Callable<Integer> {
    @Mixin
    DerivedModelOptions options;

    @Mixin
    FinetuneOptions finetune;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        finetune.check();
        ModelStore opened = options.openStore();
        ModelVersion version = options.resolveParent(opened);
        SampleImages validation = options.validationSamples(version);
        byte[] model;
        String transform;
        Map<String, String> facts = new LinkedHashMap<>();
        if (finetune.enabled) {
            if (SampleImages.fromFolder(finetune.samples).hash().equals(validation.hash())) {
                throw new IllegalArgumentException("--finetune-samples and --samples are the same images: validate on images "
                        + "the model was not fine-tuned on, or the gate says nothing.");
            }
            PruneFinetuning.Result tuned = PruneFinetuning.run(version, finetune, out);
            model = tuned.onnx();
            transform = PruneFinetuning.TRANSFORM;
            facts.putAll(tuned.facts());
        } else {
            model = version.readModel();
            transform = Sparse24Pruner.TRANSFORM;
        }
        // After fine-tuning the weights already hold the pattern; pruning again changes none of them and
        // guarantees the plan builder's sparse kernels exactly what they assume.
        Sparse24Pruner.Result result = Sparse24Pruner.prune(OnnxMl.ModelProto.parseFrom(model));
        printLayers(result, out);
        facts.put("prune.layers", Long.toString(result.prunedCount()));
        facts.put("tensorrt.sparseWeights", "true");
        var outcome = DerivedModelPublisher.validateAndPublish(opened, version,
                DerivedModelPublisher.Candidate.onnx(version, result.model().toByteArray(),
                        options.name(version, "sparse24"), "fp32-sparse-2:4", transform, facts),
                validation, options.minAgreement(0.97), options.speed(), out);
        return outcome.published().isPresent() ? 0 : 1;
    }

    private static void printLayers(Sparse24Pruner.Result result, PrintWriter out) {
        out.printf("%-8s %-7s %-40s %-20s %s%n", "LAYER", "OP", "WEIGHT", "SHAPE", "RESULT");
        for (Sparse24Pruner.Layer layer : result.layers()) {
            out.printf("%-8s %-7s %-40s %-20s %s%n", layer.pruned() ? "pruned" : "dense", layer.opType(), layer.weight(),
                    layer.shape(), layer.note());
        }
        out.printf("Pruned %d of %d weight tensors to 2:4.%n", result.prunedCount(), result.layers().size());
    }
}
