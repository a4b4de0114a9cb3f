package io.flinkinference.jobs.setup;

import ai.onnx.proto.OnnxMl;
import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.cli.StoreOption;
import io.flinkinference.modelstore.manifest.Lineage;
import io.flinkinference.modelstore.manifest.Manifest;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.operators.engine.onnxruntime.OnnxRuntimeEngine;
import io.flinkinference.operators.engine.onnxruntime.OnnxRuntimeEngineProvider;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code setup fp16}: publish the weights-in-FP16 variant of a model, if it agrees with its parent. */
@Command(name = "fp16", mixinStandardHelpOptions = true,
        description = {"Store a model's float32 weights as float16 (casts back to float32 where used), validate the "
                + "result against the parent on sample images, and publish it as a new model with lineage.",
            "Nothing is published when the agreement is below --min-agreement."})
final class Fp16Command implements Callable<Integer> {
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
        Manifest manifest = version.manifest();
        byte[] original = version.readModel();

        Fp16Weights.Result converted = Fp16Weights.convert(OnnxMl.ModelProto.parseFrom(original));
        byte[] candidate = converted.model().toByteArray();
        out.printf("[1/3] Converted %d weight tensors (%,d values) to float16: %.1f KB -> %.1f KB%n", converted.tensors(),
                converted.values(), original.length / 1024.0, candidate.length / 1024.0);

        SampleImages images = samples != null ? SampleImages.fromFolder(samples) : SampleImages.renderedTextLines(renderedLines, 20261123L);
        out.printf("[2/3] Validating against %s on %d sample images ...%n", version.ref(), images.size());
        ValidationGate.Report report;
        try (InferenceEngine parentEngine = new OnnxRuntimeEngineProvider().open(version, new Configuration(), -1);
                InferenceEngine candidateEngine = OnnxRuntimeEngine.fromBytes(version.ref() + " (fp16 weights)", candidate,
                        manifest.inputs(), manifest.outputs(), new Configuration())) {
            report = ValidationGate.compare(parentEngine, candidateEngine, images.batches(manifest), minAgreement,
                    done -> out.printf("      %d/%d%n", done, images.size()));
        }
        out.println("      " + report.verdict());
        if (!report.passed()) {
            out.println("Nothing was published.");
            return 1;
        }

        Path work = Files.createTempDirectory("flink-inference-fp16");
        try {
            Map<String, Path> files = new LinkedHashMap<>();
            Path model = work.resolve(manifest.artifact());
            Files.write(model, candidate);
            files.put(manifest.artifact(), model);
            for (var file : manifest.files()) {
                if (!file.name().equals(manifest.artifact())) {
                    Path copy = work.resolve(file.name());
                    Files.write(copy, version.readArtifact(file.name()));
                    files.put(file.name(), copy);
                }
            }
            Map<String, String> facts = new LinkedHashMap<>();
            facts.put("validation.samples", Integer.toString(report.samples()));
            facts.put("validation.setSha256", images.hash());
            facts.put("validation.top1Agreement", String.format("%.4f", report.agreement()));
            facts.put("validation.maxAbsDiff", String.format("%.6g", report.maxAbsDiff()));
            facts.put("validation.meanAbsDiff", String.format("%.6g", report.meanAbsDiff()));
            Manifest draft = Manifest.builder(name != null ? name : manifest.name() + "-fp16")
                    .format(manifest.format())
                    .artifact(manifest.artifact())
                    .precision("fp16-weights")
                    .inputs(manifest.inputs())
                    .outputs(manifest.outputs())
                    .preprocessing(manifest.preprocessing())
                    .postprocessing(manifest.postprocessing())
                    .lineage(new Lineage(manifest.name(), manifest.version(), List.of(Fp16Weights.TRANSFORM),
                            manifest.lineage().source(), facts))
                    .build();
            ModelVersion published = opened.publish(draft, files);
            out.println("[3/3] Published " + published.ref() + " (parent " + version.ref() + ")");
        } finally {
            try (var paths = Files.walk(work)) {
                for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
        return 0;
    }
}
