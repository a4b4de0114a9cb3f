package io.flinkinference.cli;

import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.jobs.cli.StoreOption;
import io.flinkinference.operators.engine.EngineProvider;
import io.flinkinference.operators.engine.Engines;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.operators.InferenceOptions;
import io.flinkinference.operators.batching.BatchKnee;
import io.flinkinference.operators.batching.ThroughputCurve;
import io.flinkinference.tools.bench.BatchInputs;
import io.flinkinference.tools.bench.BenchRecords;
import io.flinkinference.tools.bench.BenchReport;
import io.flinkinference.tools.bench.EngineCurve;
import io.flinkinference.tools.bench.EngineSweep;
import io.flinkinference.tools.bench.FunctionSweep;
import io.flinkinference.tools.bench.PreprocessedImages;
import io.flinkinference.tools.bench.PropertiesFileEdit;
import io.flinkinference.tools.bench.SyntheticTensors;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code flink-inference bench MODEL[:VERSION]}: the project's perf_analyzer. The engine sweep
 * ({@link EngineSweep}) measures the model's engine alone over batch sizes and concurrent callers;
 * the function sweep ({@link FunctionSweep}) then runs the batching function in a MiniCluster at
 * each of those batch sizes as its max batch size. Progress goes to standard error, the report
 * ({@link BenchReport}) to standard output.
 */
@Command(
        name = "bench",
        description = {
            "Measure a model of the store on this machine: its engine alone over batch sizes and concurrent callers "
                    + "(records/s, p50/p99 latency of a batch call), then the batching function in a local Flink "
                    + "MiniCluster at each batch size as its max batch size (records/s, mean batch formed, p50/p99 "
                    + "latency of a record). The best configuration of each is marked.",
            "Inputs are seeded random tensors of the model's input shape, or with --inputs pictures preprocessed as "
                    + "the model's manifest says (the function then decodes and preprocesses them itself, as the job does)."
        },
        mixinStandardHelpOptions = true,
        sortOptions = false,
        footer = {"", "Examples:",
            "  flink-inference bench ppocr-cls",
            "  flink-inference bench ppocr-cls:1 --batch-sizes 8,32,64 \\",
            "      --concurrency 1,2,4 --seconds 5",
            "  flink-inference bench resnet50 --engine tensorrt --no-function --json",
            "  flink-inference bench ppocr-cls --inputs lines/",
            "  flink-inference bench ppocr-cls --soak 20s --sample-every 2s",
            "  flink-inference bench ppocr-rec --no-function --record job.properties"})
final class BenchCommand implements Callable<Integer> {
    /** Distinct synthetic records the function sweep cycles through: enough that no cache holds one answer. */
    private static final int DISTINCT_RECORDS = 64;
    /** The most pictures read from --inputs: a benchmark needs variety, not a whole data set in memory. */
    private static final int MAX_INPUT_IMAGES = 256;

    @Parameters(paramLabel = "MODEL[:VERSION]", description = "A model of the store (latest version unless given).")
    String model;

    @Option(names = "--engine", paramLabel = "NAME", defaultValue = "onnxruntime",
            description = "onnxruntime (CPU) or tensorrt (GPU; needs a plan: setup tensorrt MODEL) (default ${DEFAULT-VALUE}).")
    String engine;

    @Option(names = "--batch-sizes", paramLabel = "N", split = ",",
            description = "Batch sizes to sweep (default 1,2,4,8,16,32, those the engine accepts).")
    List<Integer> batchSizes;

    @Option(names = "--concurrency", paramLabel = "N", split = ",", defaultValue = "1,2",
            description = "Numbers of concurrent callers, each with its own execution context (default ${DEFAULT-VALUE}).")
    List<Integer> concurrency;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "3",
            description = "How long each point is measured (default ${DEFAULT-VALUE}); the function sweep sends as many "
                    + "records as the engine ran in that time at the batch size.")
    double seconds;

    @Option(names = "--warm-up", paramLabel = "S", defaultValue = "1",
            description = "How long each engine point runs before it is measured (default ${DEFAULT-VALUE}).")
    double warmUp;

    @Option(names = "--function", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also measure the batching function in a MiniCluster (default on; --no-function for the engine only).")
    boolean function;

    @Option(names = "--inputs", paramLabel = "DIR",
            description = "Pictures (.jpg, .jpeg, .png, .bmp, .gif, at most " + MAX_INPUT_IMAGES + ") instead of synthetic tensors.")
    Path inputs;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "7", description = "Seed of the synthetic tensors (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "The report as one JSON object, for scripts.")
    boolean json;

    @Option(names = "--record", paramLabel = "FILE",
            description = "Write the knee of the engine's curve (the smallest batch within 5% of the best records/s) into "
                    + "this properties file, the one `run --config FILE` reads, as inference.batch.max-size=N and "
                    + "inference.batch.fit-to-engine=false, so the job starts at that size without measuring: created "
                    + "when missing, those keys replaced when present, every other line kept.")
    Path record;

    @Mixin
    StoreOption store;

    /** {@code --soak}, {@code --soak-load}, {@code --sample-every}: a long run at a fixed load instead of the sweeps. */
    @Mixin
    BenchSoak soak;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        checkOptions();
        if (soak.requested()) {
            soak.check(spec.commandLine(), function);
        }
        PrintWriter err = spec.commandLine().getErr();
        ModelStore modelStore = store.open();
        ModelVersion version = modelStore.resolve(ModelRef.parse(model));
        EngineProvider provider = Engines.provider(engine);
        Configuration engineOptions = new Configuration();
        // The engine's own check first (TensorRT: its libraries, a GPU, a plan for it), so that what is missing is one clear line.
        provider.checkRunnableHere(version, engineOptions);

        Map<String, byte[]> images = inputs == null ? Map.of() : readImages(inputs);
        BatchInputs batches = inputs == null
                ? new SyntheticTensors(version.manifest().inputs(), version.manifest().preprocessing(), seed)
                : new PreprocessedImages(version.manifest(), images, inputs.toString());

        // Made before the engine sweep, so that a model the function cannot be fed fails before minutes of measuring.
        BenchRecords records = !function ? null : inputs == null ? syntheticRecords((SyntheticTensors) batches)
                : BenchRecords.images(new ArrayList<>(images.values()));
        if (soak.requested()) {
            return soak.run(modelStore, version, engine, provider, engineOptions, batches, records,
                    Duration.ofMillis(Math.round(warmUp * 1000)), Duration.ofMillis(Math.max(1, Math.round(seconds * 1000))), json,
                    spec.commandLine().getOut(), err);
        }

        List<EngineSweep.Measurement> engineSweep;
        List<Integer> sizes;
        try (InferenceEngine loaded = provider.open(version, engineOptions, provider.usesGpu() ? 0 : -1)) {
            sizes = EngineSweep.batchSizes(batchSizes, loaded.batchRange());
            say(err, "Measuring " + version.ref() + " on " + engine + " with " + batches.description() + ": "
                    + sizes.size() * concurrency.size() + " engine point(s)" + (function ? ", then " + sizes.size() + " function point(s)" : ""));
            engineSweep = new EngineSweep(loaded, batches, Duration.ofMillis(Math.round(warmUp * 1000)),
                    Duration.ofMillis(Math.max(1, Math.round(seconds * 1000)))).run(sizes, concurrency, line -> say(err, line));
        }

        List<FunctionSweep.Measurement> functionSweep = List.of();
        if (function) {
            functionSweep = new FunctionSweep(modelStore, version.ref(), engine, records)
                    .run(sizes, maxBatch -> recordsFor(engineSweep, maxBatch), line -> say(err, line));
        }

        BenchReport report = new BenchReport(version.ref().toString(), engine, batches.description(), warmUp, seconds,
                engineSweep, functionSweep);
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? report.json() + System.lineSeparator() : report.text());
        out.flush();
        if (record != null) {
            // With --json, standard output stays one JSON object.
            recordKnee(engineSweep, json ? err : out);
        }
        return 0;
    }

    /** Writes the knee of the engine sweep into the --record file, and says what it wrote. */
    private void recordKnee(List<EngineSweep.Measurement> engineSweep, PrintWriter to) throws IOException {
        ThroughputCurve curve = EngineCurve.of(engineSweep);
        int knee = BatchKnee.DEFAULT.of(curve);
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put(InferenceOptions.MAX_BATCH_SIZE.key(), Integer.toString(knee));
        entries.put(InferenceOptions.FIT_TO_ENGINE.key(), "false");
        PropertiesFileEdit.set(record, entries);
        to.println(System.lineSeparator() + "Recorded in " + record + ": " + entries.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(java.util.stream.Collectors.joining(", "))
                + " (the knee of the engine's curve, " + BatchKnee.DEFAULT + ": " + curve + ")");
        to.flush();
    }

    private void checkOptions() {
        if (batchSizes != null && batchSizes.stream().anyMatch(size -> size < 1)) {
            throw new ParameterException(spec.commandLine(), "--batch-sizes must all be at least 1, not " + batchSizes + ".");
        }
        if (concurrency.isEmpty() || concurrency.stream().anyMatch(callers -> callers < 1)) {
            throw new ParameterException(spec.commandLine(), "--concurrency must all be at least 1, not " + concurrency + ".");
        }
        if (!(seconds > 0) || !(warmUp >= 0)) {
            throw new ParameterException(spec.commandLine(), "--seconds must be positive and --warm-up not negative, not "
                    + seconds + " and " + warmUp + ".");
        }
    }

    /**
     * As many records as the engine ran in {@code --seconds} at this batch size (its best number of
     * callers), so that each function point takes about as long as an engine point.
     */
    private long recordsFor(List<EngineSweep.Measurement> engineSweep, int maxBatch) {
        double rate = engineSweep.stream().filter(m -> m.batchSize() == maxBatch)
                .mapToDouble(EngineSweep.Measurement::recordsPerSecond).max().orElse(0);
        return Math.max(FunctionSweep.MIN_RECORDS, Math.max(10L * maxBatch, Math.round(rate * seconds)));
    }

    private BenchRecords syntheticRecords(SyntheticTensors tensors) {
        return BenchRecords.tensors(tensors.recordPayloads(DISTINCT_RECORDS), tensors.recordShape());
    }

    private Map<String, byte[]> readImages(Path folder) throws IOException {
        ImageInputs found;
        try {
            found = ImageInputs.collect(List.of(folder));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ParameterException(spec.commandLine(), "No such file or folder: --inputs " + folder);
        }
        Map<String, byte[]> images = new LinkedHashMap<>();
        for (ImageInputs.Item item : found.images().subList(0, Math.min(MAX_INPUT_IMAGES, found.images().size()))) {
            images.put(item.key(), Files.readAllBytes(item.file()));
        }
        return images;
    }

    private static void say(PrintWriter err, String line) {
        err.println(line);
        err.flush();
    }
}
