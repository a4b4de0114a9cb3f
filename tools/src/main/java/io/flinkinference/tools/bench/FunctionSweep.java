package io.flinkinference.tools.bench;

import io.flinkinference.jobs.LocalEnvironments;
import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.operators.Inference;
import io.flinkinference.operators.InferenceFailure;
import io.flinkinference.operators.InferenceResult;
import io.flinkinference.operators.InferenceStreams;
import org.HdrHistogram.Histogram;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.accumulators.ListAccumulator;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;

import java.io.Serializable;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * The project's batching function ({@link Inference}) in a local MiniCluster at parallelism 1,
 * fed as fast as it takes records by a sequence source, at each max batch size: what Flink, the
 * async operator and the dynamic batcher make of the engine. The first tenth of the results is
 * left out of every figure: it pays for deployment, the model's loading and the engine's first
 * batches. Records are timed from their making to their result, so at this saturating load the
 * latency includes the wait for a free place in the operator's capacity.
 */
public final class FunctionSweep {
    /** Below this many results the steady part is too short to say anything. */
    public static final long MIN_RECORDS = 50;

    private final ModelStore store;
    private final ModelRef model;
    private final String engine;
    private final BenchRecords records;

    public FunctionSweep(ModelStore store, ModelRef model, String engine, BenchRecords records) {
        this.store = store;
        this.model = model;
        this.engine = engine;
        this.records = records;
    }

    /**
     * One point. {@code meanBatchSize} is per batch (records over batches), the size the
     * batcher cut; latencies are of single records.
     */
    public record Measurement(int maxBatchSize, long records, double recordsPerSecond, double meanBatchSize,
            double p50Millis, double p99Millis) {}

    /** Measures each max batch size with the record count {@code recordsFor} gives it, telling {@code progress}. */
    public List<Measurement> run(List<Integer> maxBatchSizes, java.util.function.IntToLongFunction recordsFor,
            Consumer<String> progress) throws Exception {
        List<Measurement> measurements = new ArrayList<>();
        for (int maxBatch : maxBatchSizes) {
            long count = Math.max(MIN_RECORDS, recordsFor.applyAsLong(maxBatch));
            progress.accept(String.format("function %d/%d: max batch %d, %d %s records in a MiniCluster ...",
                    measurements.size() + 1, maxBatchSizes.size(), maxBatch, count, records.kind()));
            measurements.add(measure(maxBatch, count));
        }
        return measurements;
    }

    public Measurement measure(int maxBatchSize, long count) throws Exception {
        if (count < MIN_RECORDS) {
            throw new IllegalArgumentException("The function sweep needs at least " + MIN_RECORDS + " records, not " + count + ".");
        }
        StreamExecutionEnvironment env = LocalEnvironments.create(1);
        // The source hands each record's payload to the chained function as it is, as a job after throughput would.
        env.getConfig().enableObjectReuse();
        InferenceStreams<InferenceResult> streams = Inference.builder()
                .modelStore(store.root())
                .model(model.toString())
                .engine(engine)
                .maxBatchSize(maxBatchSize)
                // Each point is the function at this max batch size: fitted, it could run at a smaller one.
                .fitToEngine(false)
                .build()
                .apply(env.fromSequence(0, count - 1).map(records).name("bench records"));
        streams.results().map(Completion::of).returns(Completion.class)
                .union(streams.failures().map(Completion::of).returns(Completion.class))
                .flatMap(new NoteCompletions()).returns(Void.class).name("note completions")
                .sinkTo(new DiscardingSink<>());
        // The notes come back in the job's result (a Flink accumulator), once the bounded job has ended.
        JobExecutionResult result = env.execute("flink-inference bench, max batch " + maxBatchSize);
        List<Completion> completions = new ArrayList<>(result.<List<Completion>>getAccumulatorResult(NoteCompletions.ACCUMULATOR));
        for (Completion completion : completions) {
            if (completion.failure() != null) {
                throw new IllegalStateException("A record failed in the function at max batch " + maxBatchSize + ": "
                        + completion.failure());
            }
        }
        if (completions.size() != count) {
            throw new IllegalStateException("Only " + completions.size() + " of " + count + " results came back from the job at max batch "
                    + maxBatchSize + ".");
        }
        return summarize(maxBatchSize, completions);
    }

    private static Measurement summarize(int maxBatchSize, List<Completion> completions) {
        completions.sort(Comparator.comparingLong(Completion::doneNanos));
        int from = completions.size() / 10;
        Histogram latencies = new Histogram(3);
        double batches = 0;
        for (Completion completion : completions.subList(from, completions.size())) {
            latencies.recordValue(completion.latencyNanos());
            batches += 1.0 / completion.batchSize(); // each of a batch's records is one b-th of it
        }
        long steady = completions.size() - from;
        double seconds = (completions.get(completions.size() - 1).doneNanos() - completions.get(from).doneNanos()) / 1e9;
        return new Measurement(maxBatchSize, completions.size(), (steady - 1) / seconds, steady / batches,
                latencies.getValueAtPercentile(50) / 1e6, latencies.getValueAtPercentile(99) / 1e6);
    }

    /** Keeps every completion in an accumulator; at parallelism 1 one list holds them all. */
    private static final class NoteCompletions extends RichFlatMapFunction<Completion, Void> {
        private static final long serialVersionUID = 1L;
        static final String ACCUMULATOR = "bench-completions";
        private final ListAccumulator<Completion> completions = new ListAccumulator<>();

        @Override
        public void open(OpenContext context) {
            getRuntimeContext().addAccumulator(ACCUMULATOR, completions);
        }

        @Override
        public void flatMap(Completion completion, Collector<Void> out) {
            completions.add(completion);
        }
    }

    /** A record's end, taken in the MiniCluster right after the function: when, how long since its making, in what batch. */
    public record Completion(long doneNanos, long latencyNanos, int batchSize, String failure) implements Serializable {
        static Completion of(InferenceResult result) {
            long now = System.nanoTime();
            return new Completion(now, now - Long.parseLong(result.metadata().get(BenchRecords.MADE_NANOS)), result.batchSize(), null);
        }

        static Completion of(InferenceFailure failure) {
            return new Completion(System.nanoTime(), 0, 0, failure.id() + " [" + failure.stage() + "]: " + failure.reason());
        }
    }
}
