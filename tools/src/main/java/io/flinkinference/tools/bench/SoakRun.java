package io.flinkinference.tools.bench;

import io.flinkinference.jobs.LocalEnvironments;
import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.operators.Inference;
import io.flinkinference.operators.InferenceResult;
import io.flinkinference.operators.InferenceStreams;
import org.HdrHistogram.Histogram;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The batching function in a local MiniCluster at a fixed offered rate for a while, sampled at a
 * fixed interval: memory levels ({@link MemoryProbe}), results and their p99 latency since the
 * sample before. The source is Flink's rate-limited {@link DataGeneratorSource}, bounded at
 * rate x duration records, so the job ends when the soak does and every record sent can be
 * accounted for: each is a result, a failure, or lost.
 */
public final class SoakRun {
    private final ModelStore store;
    private final ModelRef model;
    private final String engine;
    private final int maxBatchSize;
    private final BenchRecords records;
    private final MemoryProbe probe;

    public SoakRun(ModelStore store, ModelRef model, String engine, int maxBatchSize, BenchRecords records, MemoryProbe probe) {
        this.store = store;
        this.model = model;
        this.engine = engine;
        this.maxBatchSize = maxBatchSize;
        this.records = records;
        this.probe = probe;
    }

    /**
     * What the soak saw; {@code lost} records were sent and neither answered nor failed. Sample
     * times and {@code seconds} count from the first result.
     */
    public record Result(double recordsPerSecond, Duration duration, Duration sampleEvery, long sent, long results,
            long failures, String firstFailure, double seconds, List<SoakSample> samples) {
        public long lost() {
            return sent - results - failures;
        }
    }

    /**
     * Offers {@code recordsPerSecond} for {@code duration}, telling {@code onSample} of each
     * sample as it is taken. Returns when the job has ended (later than {@code duration} when the
     * function falls behind the rate).
     */
    public Result run(double recordsPerSecond, Duration duration, Duration sampleEvery, Consumer<SoakSample> onSample)
            throws Exception {
        if (!(recordsPerSecond > 0) || sampleEvery.isNegative() || sampleEvery.isZero() || duration.compareTo(sampleEvery) < 0) {
            throw new IllegalArgumentException("A soak needs a positive rate and a sampling interval within its duration, not "
                    + recordsPerSecond + "/s, every " + sampleEvery + " for " + duration + ".");
        }
        long sent = Math.max(1, Math.round(recordsPerSecond * duration.toMillis() / 1e3));
        String runId = UUID.randomUUID().toString();
        SoakTally tally = SoakTally.open(runId);
        try {
            StreamExecutionEnvironment env = LocalEnvironments.create(1);
            env.getConfig().enableObjectReuse();
            DataGeneratorSource<Long> source = new DataGeneratorSource<>((GeneratorFunction<Long, Long>) index -> index, sent,
                    RateLimiterStrategy.perSecond(recordsPerSecond), Types.LONG);
            InferenceStreams<InferenceResult> streams = Inference.builder()
                    .modelStore(store.root())
                    .model(model.toString())
                    .engine(engine)
                    .maxBatchSize(maxBatchSize)
                    .build()
                    .apply(env.fromSource(source, WatermarkStrategy.noWatermarks(), "soak source at a fixed rate")
                            .map(records).name("bench records"));
            streams.results().flatMap(new SoakTally.Results(runId)).returns(Void.class).name("tally results")
                    .sinkTo(new DiscardingSink<>());
            streams.failures().flatMap(new SoakTally.Failures(runId)).returns(Void.class).name("tally failures")
                    .sinkTo(new DiscardingSink<>());

            JobClient job = env.executeAsync(String.format("flink-inference bench --soak, %.0f records/s", recordsPerSecond));
            CompletableFuture<JobExecutionResult> finished = job.getJobExecutionResult();
            // The soak's clock starts at the first result, not at submission: the seconds of deployment and model loading
            // before it would otherwise be the whole baseline of a short soak, taken before the engine had allocated anything.
            awaitFirstResult(tally, finished);
            long start = System.nanoTime();
            List<SoakSample> samples = sample(finished, tally, start, sampleEvery, onSample);
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Result(recordsPerSecond, duration, sampleEvery, sent, tally.results(), tally.failures(), tally.firstFailure(),
                    seconds, samples);
        } finally {
            SoakTally.close(runId);
        }
    }

    private static void awaitFirstResult(SoakTally tally, CompletableFuture<JobExecutionResult> finished)
            throws InterruptedException {
        try {
            CompletableFuture.anyOf(tally.firstResult(), finished).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("The soak's job failed before its first result: " + e.getCause(), e.getCause());
        }
    }

    /** Waits for the job's end, at most until the next sample is due each time, and samples when it is. */
    private List<SoakSample> sample(CompletableFuture<JobExecutionResult> finished, SoakTally tally, long start, Duration every,
            Consumer<SoakSample> onSample) throws InterruptedException {
        List<SoakSample> samples = new ArrayList<>();
        long due = start + every.toNanos();
        long previousAt = start;
        long previousResults = 0;
        while (true) {
            try {
                finished.get(Math.max(0, due - System.nanoTime()), TimeUnit.NANOSECONDS);
                return samples;
            } catch (TimeoutException timeToSample) {
                long now = System.nanoTime();
                MemoryProbe.Levels levels = probe.read();
                long results = tally.results();
                Histogram interval = tally.interval();
                SoakSample sample = new SoakSample(samples.size() + 1, (now - start) / 1e9, levels.heapAfterGcBytes(),
                        levels.heapCommittedBytes(), levels.directBytes(), levels.rssBytes(), results - previousResults,
                        (now - previousAt) / 1e9,
                        interval.getTotalCount() == 0 ? Double.NaN : interval.getValueAtPercentile(99) / 1e6);
                samples.add(sample);
                onSample.accept(sample);
                previousAt = now;
                previousResults = results;
                while (due <= System.nanoTime()) {
                    due += every.toNanos(); // a sample that came late skips the ones it missed, keeping the cadence
                }
            } catch (ExecutionException e) {
                throw new IllegalStateException("The soak's job failed after " + samples.size() + " sample(s): " + e.getCause(),
                        e.getCause());
            }
        }
    }
}
