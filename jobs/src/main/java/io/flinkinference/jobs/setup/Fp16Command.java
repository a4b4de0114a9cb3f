package io.flinkinference.jobs.setup;

import ai.onnx.proto.OnnxMl;
import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.cli.StoreOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code setup fp16}: publish the weights-in-FP16 variant of a model, if it agrees with its parent. */
@Command(footer = {"", "Examples:", "  flink-inference setup fp16 ppocr-cls", "  flink-inference setup fp16 mobilenet:1 --samples validation-images/ --min-agreement 0.995"},
        name = "fp16", mixinStandardHelpOptions = true,
        description = {"Store a model's float32 weights as float16 (cast back to float32 where used), validate the "
                + "result against the parent on sample images, and publish it as a new model with lineage.",
            "Nothing is published when the agreement is below --min-agreement."})
final class Fp16Command implements Callable<Integer> {
    private static final long HELD_OUT_SEED = 20261123L;

    @Mixin
    StoreOption store;

    @Parameters(paramLabel = "MODEL[:VERSION]", description = "The parent model in the store.")
    String parent;

    @Option(names = "--name", paramLabel = "NAME", description = "Name of the derived model (default: <parent>-fp16).")
    String name;

    @Option(names = "--samples", paramLabel = "DIR", description = "Folder of sample images to validate with.")
    Path samples;

    @Option(names = "--rendered-lines", paramLabel = "N", defaultValue = "200",
            description = "Without --samples: validate with N rendered text lines (for the PaddleOCR models; default ${DEFAULT-VALUE}).")
    int renderedLines;

    @Option(names = "--min-agreement", paramLabel = "FRACTION", defaultValue = "0.99",
            description = "Required top-1 agreement with the parent (default ${DEFAULT-VALUE}).")
    double minAgreement;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ModelStore opened = store.open();
        ModelVersion version = opened.resolve(ModelRef.parse(parent));
        byte[] original = version.readModel();
        Fp16Weights.Result converted = Fp16Weights.convert(OnnxMl.ModelProto.parseFrom(original));
        byte[] candidate = converted.model().toByteArray();
        out.printf("Converted %d weight tensors (%,d values) to float16: %.1f KB -> %.1f KB%n", converted.tensors(),
                converted.values(), original.length / 1024.0, candidate.length / 1024.0);
        var outcome = DerivedModelPublisher.validateAndPublish(opened, version,
                new DerivedModelPublisher.Candidate(candidate, name != null ? name : version.manifest().name() + "-fp16",
                        "fp16-weights", Fp16Weights.TRANSFORM, Map.of()),
                DerivedModelPublisher.samples(samples, renderedLines, version, HELD_OUT_SEED), minAgreement, out);
        return outcome.published().isPresent() ? 0 : 1;
    }
}
