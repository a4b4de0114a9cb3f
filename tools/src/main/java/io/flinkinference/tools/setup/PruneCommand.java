package io.flinkinference.tools.setup;

import ai.onnx.proto.OnnxMl;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.ModelVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code setup prune}: the 2:4-sparse variant for TensorRT's sparse tensor cores. */
@Command(footer = {"", "Examples:", "  flink-inference setup prune ppocr-cls", "  flink-inference setup prune ppocr-cls --min-agreement 0  # publish any result"},
        name = "prune", mixinStandardHelpOptions = true,
        description = {"Prune Conv, MatMul and Gemm weights to 2:4 structured sparsity (in every four consecutive "
                + "input-channel weights, the two of smallest magnitude become zero), report every layer, validate "
                + "against the parent and publish only if the agreement is at least --min-agreement.",
            "Without fine-tuning, pruning costs accuracy: the report tells how much."})
final class PruneCommand implements Callable<Integer> {
    @Mixin
    DerivedModelOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ModelStore opened = options.openStore();
        ModelVersion version = options.resolveParent(opened);
        Sparse24Pruner.Result result = Sparse24Pruner.prune(OnnxMl.ModelProto.parseFrom(version.readModel()));
        out.printf("%-8s %-7s %-40s %-20s %s%n", "LAYER", "OP", "WEIGHT", "SHAPE", "RESULT");
        for (Sparse24Pruner.Layer layer : result.layers()) {
            out.printf("%-8s %-7s %-40s %-20s %s%n", layer.pruned() ? "pruned" : "dense", layer.opType(), layer.weight(),
                    layer.shape(), layer.note());
        }
        out.printf("Pruned %d of %d weight tensors to 2:4.%n", result.prunedCount(), result.layers().size());
        var outcome = DerivedModelPublisher.validateAndPublish(opened, version,
                DerivedModelPublisher.Candidate.onnx(version, result.model().toByteArray(),
                        options.name(version, "sparse24"), "fp32-sparse-2:4", Sparse24Pruner.TRANSFORM,
                        Map.of("prune.layers", Long.toString(result.prunedCount()), "tensorrt.sparseWeights", "true")),
                options.validationSamples(version), options.minAgreement(0.97), options.speed(), out);
        return outcome.published().isPresent() ? 0 : 1;
    }
}
