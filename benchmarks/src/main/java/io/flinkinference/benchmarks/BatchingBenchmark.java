package io.flinkinference.benchmarks;

import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.samples.models.PaddleOcrModels;
import io.flinkinference.operators.Inference;
import io.flinkinference.operators.InferenceOptions;
import io.flinkinference.operators.InferenceRequest;
import io.flinkinference.operators.InferenceResult;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.operators.engine.Tensor;
import io.flinkinference.engine.onnxruntime.OnnxRuntimeEngineProvider;
import io.flinkinference.engine.onnxruntime.OnnxRuntimeOptions;
import io.flinkinference.samples.TextLineImages;
import io.flinkinference.operators.translate.ImagePreprocessor;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.UnaryOperator;

/**
 * Issue 3's measurements, side by side in one run on one machine, with the real orientation
 * classifier on ONNX Runtime (CPU):
 * <ol>
 *   <li>the raw engine in a tight loop at batch sizes 1..64 (its best is the ceiling);</li>
 *   <li>the inference function in a MiniCluster (generator source, function, discarding sink) at
 *       parallelism 1 and 2, and with batching off (max batch 1);</li>
 *   <li>latency from record creation to result at half the function's throughput, for two
 *       max-queue-delay settings.</li>
 * </ol>
 * Records are ready float32 tensors [1,3,48,192] (rendered text lines, preprocessed once), so that
 * both sides do the same model work and the difference is the function's own cost.
 *
 * <p>Run: {@code benchmarks/run.sh BatchingBenchmark [seconds-per-measurement] [rounds]}. With a
 * third argument {@code work-conserving} it runs only issue 18's comparison instead
 * ({@link #workConserving}): the old batching policy and ONNX Runtime's automatic threads against
 * the new defaults, throughput at capacity and latency at half load.
 */
public final class BatchingBenchmark {
    private static final int DISTINCT_RECORDS = 256;
    private static final int[] BATCH_SIZES = {1, 4, 8, 16, 32, 64};
    private static final Queue<Long> LATENCIES = new ConcurrentLinkedQueue<>();
    /** The sizes of the batches the latency run's results rode in, summed: over the results, the mean batch a record saw. */
    private static final java.util.concurrent.atomic.LongAdder BATCH_ROWS = new java.util.concurrent.atomic.LongAdder();

    private BatchingBenchmark() {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        ModelStore store = ModelStore.open(ModelStore.defaultRoot());
        PaddleOcrModels.fetchInto(store, line -> { });
        ModelVersion model = store.resolve(ModelRef.latest(PaddleOcrModels.CLASSIFIER));
        List<byte[]> payloads = payloads(model);
        if (args.length > 2 && args[2].equals("work-conserving")) {
            workConserving(model, payloads, seconds, rounds, store);
            return;
        }
        StringBuilder report = new StringBuilder();
        line(report, "# Batching benchmark, " + Instant.now() + ", " + Runtime.getRuntime().availableProcessors()
                + " cores, " + seconds + " s per measurement, " + rounds + " interleaved rounds, model " + model.ref());

        line(report, "\n## Raw engine by batch size (ONNX Runtime, tight loop, one pass)\n\n"
                + "| batch | images/s, spinning off (default) | images/s, spinning on |\n| ---: | ---: | ---: |");
        int bestBatch = 1;
        boolean bestSpinning = false;
        double bestRate = 0;
        try (InferenceEngine quiet = new OnnxRuntimeEngineProvider().open(model, spinning(false), -1);
                InferenceEngine spinning = new OnnxRuntimeEngineProvider().open(model, spinning(true), -1)) {
            for (int batch : BATCH_SIZES) {
                double off = rawEngine(quiet, payloads, batch, seconds);
                double on = rawEngine(spinning, payloads, batch, seconds);
                line(report, String.format("| %d | %.0f | %.0f |", batch, off, on));
                if (Math.max(off, on) > bestRate) {
                    bestRate = Math.max(off, on);
                    bestBatch = batch;
                    bestSpinning = on > off;
                }
            }
        }

        // Interleaved rounds, so that a noisy neighbour hits every variant alike; ratios are per round.
        String[] names = {"raw engine, batch " + bestBatch + (bestSpinning ? " (spinning on)" : ""), "raw engine, batch 1",
            "function p1, max batch 32", "function p2, max batch 32", "function p1, max batch 1 (no batching)"};
        double[][] rates = new double[names.length][rounds];
        long records = Math.max(2_000, (long) (bestRate * seconds));
        for (int round = 0; round < rounds; round++) {
            try (InferenceEngine engine = new OnnxRuntimeEngineProvider().open(model, spinning(bestSpinning), -1)) {
                rates[0][round] = rawEngine(engine, payloads, bestBatch, seconds);
                rates[1][round] = rawEngine(engine, payloads, 1, seconds);
            }
            rates[2][round] = functionThroughput(model, payloads, 1, 32, records, store);
            rates[3][round] = functionThroughput(model, payloads, 2, 32, records, store);
            rates[4][round] = functionThroughput(model, payloads, 1, 1, records, store);
            System.out.printf("round %d: %s%n", round + 1, java.util.Arrays.toString(column(rates, round)));
        }
        line(report, "\n## Side by side, " + rounds + " interleaved rounds (medians; ratios are medians of per-round ratios)\n\n"
                + "| variant | records/s | vs raw batch " + bestBatch + " | vs raw batch 1 |\n| --- | ---: | ---: | ---: |");
        for (int v = 0; v < names.length; v++) {
            line(report, String.format("| %s | %.0f | %.0f%% | %.2fx |", names[v], Medians.of(rates[v]),
                    100 * Medians.of(ratio(rates[v], rates[0])), Medians.of(ratio(rates[v], rates[1]))));
        }

        double p1 = Medians.of(rates[2]);
        int offered = (int) Math.max(10, p1 / 2);
        line(report, "\n## Latency at a fixed offered load of " + offered + " records/s (half the parallelism-1 throughput)\n\n"
                + "| max queue delay | results | p50 ms | p99 ms |\n| ---: | ---: | ---: | ---: |");
        for (Duration delay : List.of(Duration.ofMillis(1), Duration.ofMillis(10))) {
            long[] sorted = latencies(model, payloads, offered, (long) offered * 2 * seconds, delay, store);
            line(report, String.format("| %d ms | %d | %.2f | %.2f |", delay.toMillis(), sorted.length,
                    percentile(sorted, 0.50) / 1e6, percentile(sorted, 0.99) / 1e6));
        }

        Path out = Path.of("benchmarks/target/results/batching.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
        System.out.println("\nwritten to " + out);
    }

    /**
     * One way to configure the function for issue 18: whether batching is work-conserving, and
     * whether ONNX Runtime picks its own intra-op pool (0) or the function divides the cores.
     */
    private record Policy(String name, boolean workConserving, boolean automaticThreads) {
        Inference.Builder<InferenceRequest, InferenceResult> apply(Inference.Builder<InferenceRequest, InferenceResult> builder) {
            builder.workConserving(workConserving);
            return automaticThreads ? builder.engineOption(OnnxRuntimeOptions.INTRA_OP_THREADS, 0) : builder;
        }
    }

    /**
     * Issue 18: each policy's throughput at capacity (parallelism 1, max batch 32, 2 in flight, a
     * 2 ms delay as in issue 3's rounds), then each one's latency at half the old policy's
     * throughput with the default 5 ms delay, rounds interleaved so that a noisy neighbour hits
     * every policy alike.
     */
    private static void workConserving(ModelVersion model, List<byte[]> payloads, int seconds, int rounds, ModelStore store)
            throws Exception {
        List<Policy> policies = List.of(
                new Policy("old: waits for the delay, ONNX Runtime's threads", false, true),
                new Policy("work-conserving, ONNX Runtime's threads", true, true),
                new Policy("waits for the delay, threads from the machine", false, false),
                new Policy("new defaults: work-conserving, threads from the machine", true, false));
        StringBuilder report = new StringBuilder();
        line(report, "# Work-conserving batching and intra-op threads, " + Instant.now() + ", "
                + Runtime.getRuntime().availableProcessors() + " cores, " + rounds + " interleaved rounds, model " + model.ref()
                + ", load average at the start " + loadAverage());
        long records = 1_000L * seconds;
        double[][] rates = new double[policies.size()][rounds];
        for (int round = 0; round < rounds; round++) {
            for (int p = 0; p < policies.size(); p++) {
                rates[p][round] = functionThroughput(model, payloads, 1, 32, records, store, policies.get(p)::apply);
            }
            System.out.printf("throughput round %d: %s%n", round + 1, java.util.Arrays.toString(column(rates, round)));
        }
        int offered = (int) Math.max(10, Medians.of(rates[0]) / 2);
        double[][] p50 = new double[policies.size()][rounds];
        double[][] p99 = new double[policies.size()][rounds];
        double[][] meanBatch = new double[policies.size()][rounds];
        for (int round = 0; round < rounds; round++) {
            for (int p = 0; p < policies.size(); p++) {
                long[] sorted = latencies(model, payloads, offered, (long) offered * 2 * seconds,
                        InferenceOptions.MAX_QUEUE_DELAY.defaultValue(), store, policies.get(p)::apply);
                p50[p][round] = percentile(sorted, 0.50) / 1e6;
                p99[p][round] = percentile(sorted, 0.99) / 1e6;
                meanBatch[p][round] = (double) BATCH_ROWS.sum() / LATENCIES.size();
            }
            System.out.printf("latency round %d: p50 %s p99 %s%n", round + 1,
                    java.util.Arrays.toString(column(p50, round)), java.util.Arrays.toString(column(p99, round)));
        }
        line(report, "\n| policy | records/s at capacity | vs old | p50 ms at " + offered + "/s | p99 ms | mean batch |\n"
                + "| --- | ---: | ---: | ---: | ---: | ---: |");
        for (int p = 0; p < policies.size(); p++) {
            line(report, String.format("| %s | %.0f | %.2fx | %.1f | %.1f | %.1f |", policies.get(p).name(), Medians.of(rates[p]),
                    Medians.of(ratio(rates[p], rates[0])), Medians.of(p50[p]), Medians.of(p99[p]), Medians.of(meanBatch[p])));
        }
        line(report, "\nLoad average at the end " + loadAverage() + " (the machine is shared; every policy ran in every round).");
        Path out = Path.of("benchmarks/target/results/batching-work-conserving.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
        System.out.println("\nwritten to " + out);
    }

    /** The 1, 5 and 15 minute load averages, where Linux tells them: how busy the shared machine was. */
    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    private static Configuration spinning(boolean on) {
        Configuration options = new Configuration();
        options.set(OnnxRuntimeOptions.ALLOW_SPINNING, on);
        return options;
    }

    private static double[] column(double[][] rates, int round) {
        double[] column = new double[rates.length];
        for (int v = 0; v < rates.length; v++) {
            column[v] = Math.round(rates[v][round]);
        }
        return column;
    }

    private static double[] ratio(double[] a, double[] b) {
        double[] ratios = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            ratios[i] = a[i] / b[i];
        }
        return ratios;
    }

    private static double rawEngine(InferenceEngine engine, List<byte[]> payloads, int batch, int seconds) {
        Tensor input = Tensor.allocate(io.flinkinference.modelstore.manifest.DataType.FLOAT32, batch, 3, 48, 192);
        FloatBuffer values = input.floats();
        for (int i = 0; i < batch; i++) {
            values.put(ByteBuffer.wrap(payloads.get(i % payloads.size())).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer());
        }
        Map<String, Tensor> inputs = Map.of("x", input);
        long warmupEnd = System.nanoTime() + 1_000_000_000L;
        while (System.nanoTime() < warmupEnd) {
            engine.infer(inputs);
        }
        long images = 0;
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            engine.infer(inputs);
            images += batch;
        }
        return images / ((System.nanoTime() - start) / 1e9);
    }

    private static double functionThroughput(ModelVersion model, List<byte[]> payloads, int parallelism, int maxBatch,
            long records, ModelStore store) throws Exception {
        return functionThroughput(model, payloads, parallelism, maxBatch, records, store, UnaryOperator.identity());
    }

    private static double functionThroughput(ModelVersion model, List<byte[]> payloads, int parallelism, int maxBatch,
            long records, ModelStore store, UnaryOperator<Inference.Builder<InferenceRequest, InferenceResult>> tune)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, new Configuration());
        DataGeneratorSource<InferenceRequest> source = new DataGeneratorSource<>(
                requests(payloads, false), records, TypeInformation.of(InferenceRequest.class));
        tune.apply(Inference.builder().modelStore(store.root()).model(model.ref().toString())
                .maxBatchSize(maxBatch).fitToEngine(false).maxQueueDelay(Duration.ofMillis(2))).build()
                .apply(env.fromSource(source, WatermarkStrategy.noWatermarks(), "tensors"))
                .results().sinkTo(SteadyStateThroughput.sink(records));
        SteadyStateThroughput.reset();
        env.execute("throughput p" + parallelism + " batch " + maxBatch);
        return SteadyStateThroughput.recordsPerSecond(records);
    }

    private static long[] latencies(ModelVersion model, List<byte[]> payloads, int rate, long records, Duration delay,
            ModelStore store) throws Exception {
        return latencies(model, payloads, rate, records, delay, store, UnaryOperator.identity());
    }

    private static long[] latencies(ModelVersion model, List<byte[]> payloads, int rate, long records, Duration delay,
            ModelStore store, UnaryOperator<Inference.Builder<InferenceRequest, InferenceResult>> tune) throws Exception {
        LATENCIES.clear();
        BATCH_ROWS.reset();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, new Configuration());
        DataGeneratorSource<InferenceRequest> source = new DataGeneratorSource<>(
                requests(payloads, true), records, RateLimiterStrategy.perSecond(rate), TypeInformation.of(InferenceRequest.class));
        tune.apply(Inference.builder().modelStore(store.root()).model(model.ref().toString())
                .maxBatchSize(32).fitToEngine(false).maxQueueDelay(delay)).build()
                .apply(env.fromSource(source, WatermarkStrategy.noWatermarks(), "tensors at a fixed rate"))
                .results().sinkTo(new LatencySink());
        env.execute("latency, delay " + delay);
        // The first second includes model loading and JIT warm-up; it is not the steady state.
        int skip = Math.min(rate, LATENCIES.size() / 10);
        List<Long> steady = new ArrayList<>(LATENCIES).subList(skip, LATENCIES.size());
        return steady.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    private static GeneratorFunction<Long, InferenceRequest> requests(List<byte[]> payloads, boolean stamp) {
        return index -> {
            InferenceRequest request = InferenceRequest.tensor("r" + index, payloads.get((int) (index % payloads.size())),
                    new long[] {1, 3, 48, 192}, System.currentTimeMillis());
            return stamp ? request.withMetadata(Map.of("createdNanos", Long.toString(System.nanoTime()))) : request;
        };
    }



    /** Records end-to-end latency; the MiniCluster runs in this JVM, so System.nanoTime is comparable. */
    private static final class LatencySink implements Sink<InferenceResult> {
        private static final long serialVersionUID = 1L;

        @Override
        public SinkWriter<InferenceResult> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(InferenceResult result, Context ctx) {
                    LATENCIES.add(System.nanoTime() - Long.parseLong(result.metadata().get("createdNanos")));
                    BATCH_ROWS.add(result.batchSize());
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }

    private static List<byte[]> payloads(ModelVersion model) {
        ImagePreprocessor preprocessor = new ImagePreprocessor(model.manifest().preprocessing());
        List<byte[]> payloads = new ArrayList<>();
        for (TextLineImages.Sample sample : new TextLineImages(42).samples(DISTINCT_RECORDS)) {
            FloatBuffer values = preprocessor.batch(List.of(sample.image())).floats();
            ByteBuffer bytes = ByteBuffer.allocate(values.capacity() * 4).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asFloatBuffer().put(values);
            payloads.add(bytes.array());
        }
        return payloads;
    }

    private static double percentile(long[] sorted, double p) {
        return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    }

    private static void line(StringBuilder report, String text) {
        System.out.println(text);
        report.append(text).append('\n');
    }
}
