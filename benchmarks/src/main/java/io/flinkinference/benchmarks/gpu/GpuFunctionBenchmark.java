package io.flinkinference.benchmarks.gpu;

import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.manifest.TensorSpec;
import io.flinkinference.jobs.cli.BatcherScopeConverter;
import io.flinkinference.operators.Inference;
import io.flinkinference.operators.InferenceOptions;
import io.flinkinference.operators.InferenceRequest;
import io.flinkinference.operators.InferenceResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The batching function on the TensorRT engine in a local MiniCluster, fed tensors (already
 * preprocessed floats, as a job that preprocesses upstream would send) by a generator source and
 * drained by a counting sink: what Flink, the async operator and the batcher cost against
 * {@link GpuEngineBenchmark}'s ceiling at the same batch limit. Object reuse is on, so that the
 * chained source hands each record's float array to the function without copying it, as a
 * user after throughput would configure; the batcher still copies each record once, into the
 * context's pinned staging memory.
 *
 * <p>Run: {@code GpuFunctionBenchmark STORE PLAN MAX_BATCH RECORDS PARALLELISM[,PARALLELISM...] [SCOPE[,SCOPE]]},
 * SCOPE being {@code subtask} (the default: a batcher per slot) or {@code task-manager} (one
 * batcher shared by the slots), each run at every parallelism, side by side.
 */
public final class GpuFunctionBenchmark {
    private static final int DISTINCT = 64;
    private static final AtomicLong RESULTS = new AtomicLong();
    private static final AtomicLong STEADY_START = new AtomicLong();
    private static final AtomicLong LAST = new AtomicLong();

    private GpuFunctionBenchmark() {}

    public static void main(String[] args) throws Exception {
        ModelStore store = ModelStore.open(Path.of(args[0]).toUri());
        String plan = args[1];
        int maxBatch = Integer.parseInt(args[2]);
        long records = Long.parseLong(args[3]);
        var manifest = store.resolve(ModelRef.latest(plan)).manifest();
        TensorSpec input = manifest.inputs().get(0);
        // The dimensions after the batch as the plan was built for them (dynamic ones from the preprocessing size).
        long[] rest = io.flinkinference.engine.tensorrt.plan.TensorRtCompiler.fixedDims(manifest).get(input.name());
        long[] shape = new long[rest.length + 1];
        shape[0] = 1;
        System.arraycopy(rest, 0, shape, 1, rest.length);
        List<byte[]> payloads = payloads(shape);
        String[] scopes = (args.length > 5 ? args[5] : "subtask").split(",");
        System.out.println("| plan | batcher per | parallelism | max batch | records | images/s | mean batch |");
        System.out.println("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
        for (String p : args[4].split(",")) {
            int parallelism = Integer.parseInt(p);
            for (String scopeName : scopes) {
                InferenceOptions.BatcherScope scope = new BatcherScopeConverter().convert(scopeName);
                double rate = run(store, plan, maxBatch, records, parallelism, scope, payloads, shape);
                System.out.printf("| %s | %s | %d | %d | %d | %.0f | %.1f |%n", plan, scopeName, parallelism, maxBatch, records, rate,
                        BATCH_ROWS.get() / (double) Math.max(1, RESULTS.get()));
                System.out.flush();
            }
        }
    }

    private static final AtomicLong BATCH_ROWS = new AtomicLong();
    private static final AtomicLong FAILURES = new AtomicLong();

    private static double run(ModelStore store, String plan, int maxBatch, long records, int parallelism,
            InferenceOptions.BatcherScope scope, List<byte[]> payloads, long[] shape) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, new Configuration());
        env.getConfig().enableObjectReuse();
        GeneratorFunction<Long, InferenceRequest> generate =
                index -> InferenceRequest.tensor("r" + index, payloads.get((int) (index % DISTINCT)), shape, 0L);
        DataGeneratorSource<InferenceRequest> source = new DataGeneratorSource<>(generate, records,
                TypeInformation.of(InferenceRequest.class));
        var streams = Inference.builder().modelStore(store.root()).model(plan).engine(System.getProperty("bench.engine", "tensorrt"))
                .maxBatchSize(maxBatch).fitToEngine(false).maxQueueDelay(Duration.ofMillis(2)).capacity(maxBatch * 6).batcherScope(scope).build()
                .apply(env.fromSource(source, WatermarkStrategy.noWatermarks(), "tensors"));
        streams.results().sinkTo(new CountingSink(records));
        streams.failures().map(failure -> {
            if (FAILURES.incrementAndGet() == 1) {
                System.out.println("first failure: " + failure);
            }
            return failure;
        });
        RESULTS.set(0);
        BATCH_ROWS.set(0);
        STEADY_START.set(0);
        env.execute("function, p" + parallelism + ", max batch " + maxBatch);
        // From the 10th percent of results to the last: leaves out deployment, plan loading and warm-up.
        return (records - records / 10) / ((LAST.get() - STEADY_START.get()) / 1e9);
    }

    private static List<byte[]> payloads(long[] shape) {
        long floats = 1;
        for (long d : shape) {
            floats *= d;
        }
        SplittableRandom random = new SplittableRandom(7);
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < DISTINCT; i++) {
            ByteBuffer bytes = ByteBuffer.allocate((int) floats * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (long f = 0; f < floats; f++) {
                bytes.putFloat((float) random.nextDouble());
            }
            payloads.add(bytes.array());
        }
        return payloads;
    }

    /** Counts results (the MiniCluster runs in this JVM) and notes the steady state's start and end. */
    private static final class CountingSink implements Sink<InferenceResult> {
        private static final long serialVersionUID = 1L;
        private final long records;

        CountingSink(long records) {
            this.records = records;
        }

        @Override
        public SinkWriter<InferenceResult> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(InferenceResult result, Context ctx) {
                    long count = RESULTS.incrementAndGet();
                    BATCH_ROWS.addAndGet(result.batchSize());
                    long now = System.nanoTime();
                    if (count == records / 10) {
                        STEADY_START.set(now);
                    }
                    LAST.accumulateAndGet(now, Math::max);
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }
}
