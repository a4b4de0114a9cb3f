package io.flinkinference.operators.metrics;

import io.flinkinference.operators.InferenceFailure;
import io.flinkinference.operators.batching.BatchListener;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The inference function's metrics, in its operator's metric group under {@code inference}:
 * histograms {@code batchSize}, {@code queueDelayMicros}, {@code inferenceMicros}; meters
 * {@code recordsPerSecond}, {@code batchesPerSecond}; gauge {@code maxBatchSize}, the batcher's
 * limit (the configured one or the knee it was fitted to); counters {@code failures.<stage>}; and the
 * counters {@code timeNanos.preprocess|stack|engine|postprocess}, the nanoseconds this subtask's
 * records have spent in each step so far: the translator's preprocessing (task thread), stacking
 * into the engine's inputs, the engine, the translator's postprocessing (the batcher's threads).
 * A batch's stacking and engine time is divided among its records, so that subtasks sharing a
 * batcher count each batch once between them; ratios of these counters are the share of time per
 * step, which histograms of a recent window cannot give.
 *
 * <p>Updated concurrently: the batcher's worker threads run and complete batches in parallel
 * (batch sizes, queue delays, inference times) and both the task thread and the workers count
 * failures. The {@code failures.deserialize} counter stays at 0 here: the streaming job routes
 * unreadable messages before this function sees them.
 * So the counters are {@link ThreadSafeSimpleCounter}s ({@code MetricGroup.counter(name)} would
 * register a plain {@code SimpleCounter}, whose unsynchronized increments lose updates), and the
 * histograms are {@link DescriptiveStatisticsHistogram}s, whose ring buffer is synchronized.
 */
public final class InferenceMetrics implements BatchListener {
    private static final int HISTOGRAM_WINDOW = 1024;

    private final Histogram batchSize = new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW);
    private final Histogram queueDelayMicros = new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW);
    private final Histogram inferenceMicros = new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW);
    private final Counter records;
    private final Counter batches;
    private final Map<InferenceFailure.Stage, Counter> failures = new EnumMap<>(InferenceFailure.Stage.class);
    private final Counter preprocessNanos;
    private final Counter stackNanos;
    private final Counter engineNanos;
    private final Counter postprocessNanos;
    /** 0 until the batcher is open. */
    private volatile int maxBatchSize;

    public InferenceMetrics(MetricGroup group) {
        group.histogram("batchSize", batchSize);
        group.histogram("queueDelayMicros", queueDelayMicros);
        group.histogram("inferenceMicros", inferenceMicros);
        records = group.counter("records", new ThreadSafeSimpleCounter());
        batches = group.counter("batches", new ThreadSafeSimpleCounter());
        group.meter("recordsPerSecond", new MeterView(records));
        group.meter("batchesPerSecond", new MeterView(batches));
        MetricGroup failureGroup = group.addGroup("failures");
        for (InferenceFailure.Stage stage : InferenceFailure.Stage.values()) {
            failures.put(stage, failureGroup.counter(stage.name().toLowerCase(Locale.ROOT), new ThreadSafeSimpleCounter()));
        }
        MetricGroup time = group.addGroup("timeNanos");
        preprocessNanos = time.counter("preprocess", new ThreadSafeSimpleCounter());
        stackNanos = time.counter("stack", new ThreadSafeSimpleCounter());
        engineNanos = time.counter("engine", new ThreadSafeSimpleCounter());
        postprocessNanos = time.counter("postprocess", new ThreadSafeSimpleCounter());
        group.gauge("maxBatchSize", (Gauge<Integer>) () -> maxBatchSize);
    }

    /** The batcher's max batch size: the configured one, or the knee it was fitted to (inference.batch.fit-to-engine). */
    public void maxBatchSize(int size) {
        maxBatchSize = size;
    }

    @Override
    public void batchCompleted(int size, int ownRecords, long stackingNanos, long inferenceNanos) {
        batchSize.update(size);
        inferenceMicros.update(inferenceNanos / 1_000);
        records.inc(ownRecords);
        batches.inc();
        stackNanos.inc(stackingNanos * ownRecords / size);
        engineNanos.inc(inferenceNanos * ownRecords / size);
    }

    @Override
    public void recordQueued(long queueNanos) {
        queueDelayMicros.update(queueNanos / 1_000);
    }

    /** The translator took {@code nanos} to preprocess one record. */
    public void preprocessed(long nanos) {
        preprocessNanos.inc(nanos);
    }

    /** The translator took {@code nanos} to postprocess one record. */
    public void postprocessed(long nanos) {
        postprocessNanos.inc(nanos);
    }

    public void failure(InferenceFailure.Stage stage) {
        failures.get(stage).inc();
    }
}
