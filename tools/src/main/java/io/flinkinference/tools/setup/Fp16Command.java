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

/** {@code setup fp16}: publish the weights-in-FP16 variant of a model, if it agrees with its parent. */
@Command(footer = {"", "Examples:", "  flink-inference setup fp16 ppocr-cls", "  flink-inference setup fp16 mobilenet:1 --samples validation-images/ \\",
            "      --min-agreement 0.995"},
        name = "fp16", mixinStandardHelpOptions = true,
        description = {"Store a model's float32 weights as float16 (cast back to float32 where used), validate the "
                + "result against the parent on sample images, and publish it as a new model with lineage.",
            "Nothing is published when the agreement is below --min-agreement."})
final class Fp16Command implements Callable<Integer> {
    @Mixin
    DerivedModelOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ModelStore opened = options.openStore();
        ModelVersion version = options.resolveParent(opened);
        byte[] original = version.readModel();
        Fp16Weights.Result converted = Fp16Weights.convert(OnnxMl.ModelProto.parseFrom(original));
        byte[] candidate = converted.model().toByteArray();
        out.printf("Converted %d weight tensors (%,d values) to float16: %.1f KB -> %.1f KB%n", converted.tensors(),
                converted.values(), original.length / 1024.0, candidate.length / 1024.0);
        var outcome = DerivedModelPublisher.validateAndPublish(opened, version,
                DerivedModelPublisher.Candidate.onnx(version, candidate, options.name(version, "fp16"),
                        "fp16-weights", Fp16Weights.TRANSFORM, Map.of()),
                options.validationSamples(version), options.minAgreement(0.99), options.speed(), out);
        return outcome.published().isPresent() ? 0 : 1;
    }
}
