package io.flinkinference.jobs;

import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.cli.StoreOption;
import io.flinkinference.modelstore.fetch.PaddleOcrModels;
import io.flinkinference.modelstore.manifest.Manifest;
import io.flinkinference.operators.engine.Engines;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.operators.engine.Tensor;
import io.flinkinference.operators.engine.onnxruntime.OnnxRuntimeEngineProvider;
import io.flinkinference.operators.samples.TextLineImages;
import io.flinkinference.operators.samples.TextLineImages.Sample;
import io.flinkinference.operators.translate.ImagePreprocessor;
import io.flinkinference.operators.translate.TopKDecoder;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The embedded default: everything on this machine with nothing to install. Until the streaming
 * job lands it fetches and verifies the models and classifies rendered text lines with the
 * orientation classifier on ONNX Runtime.
 */
@Command(
        name = "demo",
        description = {
            "Run the embedded default on this machine: fetch the PaddleOCR models into the store "
                    + "(once), verify their checksums, render text lines (some upside down) and classify "
                    + "their orientation with ONNX Runtime on the CPU.",
            "The last line is machine-readable: summary: records=N correct=N accuracy=P%"
        },
        mixinStandardHelpOptions = true)
final class DemoCommand implements Callable<Integer> {
    @Mixin
    StoreOption store;

    @Option(names = "--records", defaultValue = "16", description = "How many text lines to classify (default ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--seed", description = "Seed for the generated lines (default: a new one each run).")
    Long seed;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ModelStore opened = store.open();
        out.println("[1/3] Model store " + opened.root());
        PaddleOcrModels.fetchInto(opened, line -> out.println("      " + line));

        ModelVersion model = opened.resolve(ModelRef.latest(PaddleOcrModels.CLASSIFIER));
        model.verifyOrThrow();
        out.println("[2/3] " + model.ref() + " verified: " + model.manifest().files().size() + " files match their sha256");

        Manifest manifest = model.manifest();
        ImagePreprocessor preprocessor = new ImagePreprocessor(manifest.preprocessing());
        List<String> labels = model.readLines(manifest.postprocessing().labelsFile());
        TopKDecoder topK = new TopKDecoder(labels, 1);
        List<Sample> samples = new TextLineImages(seed != null ? seed : System.nanoTime()).samples(records);

        out.println("[3/3] Classifying " + records + " rendered text lines with " + OnnxRuntimeEngineProvider.NAME + " (CPU)");
        int correct = 0;
        long start = System.nanoTime();
        try (InferenceEngine engine = Engines.provider(OnnxRuntimeEngineProvider.NAME).open(model, new Configuration(), -1)) {
            Tensor input = preprocessor.batch(samples.stream().map(Sample::image).toList());
            Tensor scores = engine.infer(Map.of(manifest.inputs().get(0).name(), input))
                    .get(manifest.postprocessing().output());
            for (int i = 0; i < samples.size(); i++) {
                Sample sample = samples.get(i);
                TopKDecoder.Prediction best = topK.decode(scores, i).get(0);
                boolean right = best.label().equals(sample.orientationLabel());
                correct += right ? 1 : 0;
                out.printf("      %-32s truth %3s  predicted %3s (%.3f) %s%n", '"' + sample.text() + '"',
                        sample.orientationLabel(), best.label(), best.score(), right ? "ok" : "WRONG");
            }
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        out.printf("Done in %d ms (model load and one batch of %d).%n", millis, records);
        out.printf("summary: records=%d correct=%d accuracy=%.1f%%%n", records, correct, 100.0 * correct / records);
        return 0;
    }
}
