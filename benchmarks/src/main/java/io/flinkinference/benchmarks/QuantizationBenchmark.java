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

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Issues 5 and 15: ONNX Runtime CPU throughput of the INT8 models {@code setup int8} makes (its
 * default CPU form) against their FP32 parents, the classifier at batch 1, 8 and 32 and the
 * recognizer at batch 1 and 8, FP32 and INT8 interleaved in rounds, both engines opened with the
 * same settings; then how often the two give the same answer on the same rendered lines: top-1
 * for the classifier (half of them upside down), the decoded text for the recognizer on upright
 * lines (what it gets in an OCR pipeline, after the classifier turned them; the figure its goal is
 * about, and what {@code setup int8} now calibrates and validates it on) and, for comparison, on
 * lines half of them upside down.
 *
 * <p>The INT8 models are made afresh in a store of the run's own (the current code, not a
 * variant left from an earlier one): at the default gate first, and where it refuses, with
 * {@code --min-agreement 0} (full INT8), so that the speed is measured anyway; the agreement is
 * printed next to the speed. Both with {@code --no-speed}: the speed is what this measures.
 *
 * <p>Run: {@code benchmarks/run.sh QuantizationBenchmark [seconds] [rounds] [search budget, s]}; the last is
 * {@code setup int8}'s {@code --search-budget} (default 180, its own default).
 */
public final class QuantizationBenchmark {
    private static final int AGREEMENT_LINES = 256;

    private QuantizationBenchmark() {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        String searchBudget = args.length > 2 ? args[2] : "180";
        Path storeRoot = Files.createTempDirectory("quantization-benchmark-store");
        ModelStore store = copyOfTheModels(storeRoot);
        String classifierGate = publishInt8(storeRoot, PaddleOcrModels.CLASSIFIER, searchBudget);
        String recognizerGate = publishInt8(storeRoot, PaddleOcrModels.RECOGNIZER, searchBudget);
        // Both engines of a pair get the same settings: the ONNX Runtime engine's defaults (intra-op threads
        // chosen for this machine's cores, spinning off, every graph optimization).
        Configuration settings = new Configuration();
        StringBuilder report = new StringBuilder("# Quantization benchmark, " + Instant.now() + ", "
                + Runtime.getRuntime().availableProcessors() + " cores, " + seconds + " s per measurement, " + rounds
                + " rounds, ONNX Runtime CPU, the same engine settings for FP32 and INT8\n");
        measure(store, PaddleOcrModels.CLASSIFIER, classifierGate, new int[] {1, 8, 32}, seconds, rounds, settings, report);
        measure(store, PaddleOcrModels.RECOGNIZER, recognizerGate, new int[] {1, 8}, seconds, rounds, settings, report);
        System.out.println(report);
        try (var paths = Files.walk(storeRoot)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
        Path out = Path.of("benchmarks/target/results/quantization.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
    }

    /**
     * {@code setup int8 MODEL} into the run's store: with the default gate first, and where that gate refused,
     * with {@code --min-agreement 0}. Says which happened.
     */
    private static String publishInt8(Path storeRoot, String model, String searchBudget) {
        if (FlinkInferenceCli.commandLine().execute("setup", "int8", model, "--no-speed", "--search-budget", searchBudget,
                "--store", storeRoot.toString()) == 0) {
            return "published by setup int8 at its default gate (--search-budget " + searchBudget + ")";
        }
        if (FlinkInferenceCli.commandLine().execute("setup", "int8", model, "--min-agreement", "0", "--no-speed", "--store",
                storeRoot.toString()) != 0) {
            throw new IllegalStateException("setup int8 " + model + " --min-agreement 0 published nothing");
        }
        return "refused at the default gate; published with --min-agreement 0 (full INT8, no search) to measure it";
    }

    private static void measure(ModelStore store, String model, String howPublished, int[] batchSizes, int seconds, int rounds, Configuration settings,
            StringBuilder report) {
        ModelVersion fp32 = store.resolve(ModelRef.latest(model));
        ModelVersion int8 = store.resolve(ModelRef.latest(model + "-int8"));
        ImagePreprocessor preprocessor = new ImagePreprocessor(fp32.manifest().preprocessing());
        String input = fp32.manifest().inputs().get(0).name();
        List<TextLineImages.Sample> samples = new TextLineImages(99).samples(AGREEMENT_LINES);
        Map<String, String> lineage = int8.manifest().lineage().attributes();
        report.append(String.format("%n## %s vs %s (target %s; %s; in float: %s; agreement on the held-out set at publishing %s)%n%n",
                fp32.ref(), int8.ref(), lineage.getOrDefault("int8.target", "?"), howPublished,
                lineage.getOrDefault("int8.nodesInFloat", "").isEmpty() ? "none" : lineage.get("int8.nodesInFloat"),
                lineage.getOrDefault("validation.agreement", "?")));
        report.append("| batch | round | FP32 images/s | INT8 images/s | INT8 / FP32 |\n| ---: | ---: | ---: | ---: | ---: |\n");
        try (InferenceEngine a = new OnnxRuntimeEngineProvider().open(fp32, settings, -1);
                InferenceEngine b = new OnnxRuntimeEngineProvider().open(int8, settings, -1)) {
            for (int batch : batchSizes) {
                Map<String, Tensor> inputs = Map.of(input, preprocessor.batch(images(samples.subList(0, batch))));
                double[] ratios = new double[rounds];
                double bestFp32 = 0;
                double bestInt8 = 0;
                for (int round = 0; round < rounds; round++) {
                    double f = rate(a, inputs, batch, seconds);
                    double i = rate(b, inputs, batch, seconds);
                    ratios[round] = i / f;
                    bestFp32 = Math.max(bestFp32, f);
                    bestInt8 = Math.max(bestInt8, i);
                    String row = String.format("| %d | %d | %.1f | %.1f | %.2fx |%n", batch, round + 1, f, i, ratios[round]);
                    System.out.print(model + " " + row);
                    report.append(row);
                }
                report.append(String.format("| %d | median of rounds | | | **%.2fx** |%n", batch, Medians.of(ratios)));
                // Other work on a shared machine only slows a window down: each side's best window is the least disturbed.
                report.append(String.format("| %d | best of rounds | %.1f | %.1f | **%.2fx** |%n", batch, bestFp32, bestInt8,
                        bestInt8 / bestFp32));
            }
            AgreementMeasure measure = AgreementMeasure.of(fp32.manifest());
            if (measure == AgreementMeasure.CTC_TEXT) {
                // The figure the goal is about: in the pipeline the recognizer reads only lines the classifier turned upright.
                TextLineImages upright = new TextLineImages(99);
                List<BufferedImage> lines = new ArrayList<>();
                for (int i = 0; i < AGREEMENT_LINES; i++) {
                    lines.add(upright.sample(false).image());
                }
                ValidationGate.Report readable = ValidationGate.compare(a, b, batches(preprocessor, input, lines), measure, 0, done -> { });
                report.append(String.format("%n%s on %d upright rendered lines (what the recognizer reads in the pipeline): %.1f%%%n",
                        capitalized(measure), readable.samples(), 100.0 * readable.agreement()));
            }
            ValidationGate.Report all = ValidationGate.compare(a, b, batches(preprocessor, input, images(samples)), measure, 0, done -> { });
            report.append(String.format("%s%s on the same %d rendered lines (half upside down%s): %.1f%%%n",
                    measure == AgreementMeasure.CTC_TEXT ? "" : "\n", capitalized(measure), all.samples(),
                    measure == AgreementMeasure.CTC_TEXT ? "; the recognizer never sees those in the pipeline" : "",
                    100.0 * all.agreement()));
        }
    }

    private static String capitalized(AgreementMeasure measure) {
        String words = measure.description();
        return Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }

    private static List<BufferedImage> images(List<TextLineImages.Sample> samples) {
        return samples.stream().map(TextLineImages.Sample::image).toList();
    }

    private static List<Map<String, Tensor>> batches(ImagePreprocessor preprocessor, String input, List<BufferedImage> images) {
        List<Map<String, Tensor>> batches = new ArrayList<>();
        for (int start = 0; start < images.size(); start += 32) {
            batches.add(Map.of(input, preprocessor.batch(images.subList(start, Math.min(images.size(), start + 32)))));
        }
        return batches;
    }

    /** The classifier and the recognizer, copied from the default store (fetched there first if missing): no download per run. */
    private static ModelStore copyOfTheModels(Path root) throws Exception {
        ModelStore shared = ModelStore.open(ModelStore.defaultRoot());
        PaddleOcrModels.fetchInto(shared, line -> { });
        ModelStore own = ModelStore.open(root.toUri());
        for (String name : List.of(PaddleOcrModels.CLASSIFIER, PaddleOcrModels.RECOGNIZER)) {
            own.publishCopyOf(shared.resolve(ModelRef.latest(name)));
        }
        return own;
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
