package io.flinkinference.benchmarks;

import io.flinkinference.cli.FlinkInferenceCli;
import io.flinkinference.tools.setup.AgreementMeasure;
import io.flinkinference.tools.setup.ValidationGate;
import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.samples.models.PaddleOcrModels;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.operators.engine.Tensor;
import io.flinkinference.engine.onnxruntime.OnnxRuntimeEngineProvider;
import io.flinkinference.samples.TextLineImages;
import io.flinkinference.operators.translate.ImagePreprocessor;
import org.apache.flink.configuration.Configuration;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Issue 5's measurement: ONNX Runtime CPU throughput of the INT8 QDQ classifier against its FP32
 * parent, at batch 1 and 32, interleaved in rounds, with their top-1 agreement on the same
 * images. The INT8 model is made with {@code setup int8} first if the store lacks it.
 *
 * <p>Run: {@code benchmarks/run.sh QuantizationBenchmark [seconds] [rounds]}.
 */
public final class QuantizationBenchmark {
    private QuantizationBenchmark() {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        ModelStore store = ModelStore.open(ModelStore.defaultRoot());
        PaddleOcrModels.fetchInto(store, line -> { });
        if (store.versions("ppocr-cls-int8").isEmpty()
                && FlinkInferenceCli.commandLine().execute("setup", "int8", PaddleOcrModels.CLASSIFIER) != 0) {
            throw new IllegalStateException("setup int8 did not publish ppocr-cls-int8");
        }
        ModelVersion fp32 = store.resolve(ModelRef.latest(PaddleOcrModels.CLASSIFIER));
        ModelVersion int8 = store.resolve(ModelRef.latest("ppocr-cls-int8"));
        ImagePreprocessor preprocessor = new ImagePreprocessor(fp32.manifest().preprocessing());
        List<TextLineImages.Sample> samples = new TextLineImages(99).samples(256);

        StringBuilder report = new StringBuilder("# Quantization benchmark, " + Instant.now() + ", "
                + Runtime.getRuntime().availableProcessors() + " cores, " + seconds + " s per measurement, " + rounds
                + " rounds, " + fp32.ref() + " vs " + int8.ref() + " (" + int8.manifest().lineage().attributes()
                .getOrDefault("int8.nodesInFloat", "") + " in float)\n\n"
                + "| batch | round | FP32 images/s | INT8 images/s | INT8 / FP32 |\n| ---: | ---: | ---: | ---: | ---: |\n");
        try (InferenceEngine a = new OnnxRuntimeEngineProvider().open(fp32, new Configuration(), -1);
                InferenceEngine b = new OnnxRuntimeEngineProvider().open(int8, new Configuration(), -1)) {
            for (int batch : new int[] {1, 32}) {
                Map<String, Tensor> input = Map.of("x", preprocessor.batch(samples.subList(0, batch).stream()
                        .map(TextLineImages.Sample::image).toList()));
                double[] ratios = new double[rounds];
                for (int round = 0; round < rounds; round++) {
                    double f = rate(a, input, batch, seconds);
                    double i = rate(b, input, batch, seconds);
                    ratios[round] = i / f;
                    String row = String.format("| %d | %d | %.0f | %.0f | %.2fx |%n", batch, round + 1, f, i, ratios[round]);
                    System.out.print(row);
                    report.append(row);
                }
                report.append(String.format("| %d | median | | | **%.2fx** |%n", batch, Medians.of(ratios)));
            }
            List<Map<String, Tensor>> batches = new java.util.ArrayList<>();
            for (int start = 0; start < samples.size(); start += 32) {
                batches.add(Map.of("x", preprocessor.batch(samples.subList(start, start + 32).stream()
                        .map(TextLineImages.Sample::image).toList())));
            }
            ValidationGate.Report agreement = ValidationGate.compare(a, b, batches, AgreementMeasure.TOP1, 0.97, done -> { });
            report.append(String.format("%nTop-1 agreement on the same %d rendered lines: %.1f%%%n", agreement.samples(),
                    100.0 * agreement.agreement()));
        }
        System.out.println(report);
        Path out = Path.of("benchmarks/target/results/quantization.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
    }

    private static double rate(InferenceEngine engine, Map<String, Tensor> input, int batch, int seconds) {
        long warm = System.nanoTime() + 1_000_000_000L;
        while (System.nanoTime() < warm) {
            engine.infer(input);
        }
        long images = 0;
        long start = System.nanoTime();
        while (System.nanoTime() - start < seconds * 1_000_000_000L) {
            engine.infer(input);
            images += batch;
        }
        return images / ((System.nanoTime() - start) / 1e9);
    }
}
