package io.flinkinference.tools.bench;

import io.flinkinference.operators.InferenceFailure;
import io.flinkinference.operators.InferenceResult;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

import java.io.Serializable;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What a running soak's function has done so far, read by the sampler while the job runs. A
 * soak's job runs in this JVM's MiniCluster, so the job's functions find their tally by the run's
 * id in a static registry; an accumulator, as {@link FunctionSweep} uses, comes back only when the
 * job has ended. Latencies go to an HdrHistogram {@link Recorder}, whose interval histograms are
 * exactly "the records since the last sample".
 */
final class SoakTally {
    private static final Map<String, SoakTally> RUNNING = new ConcurrentHashMap<>();

    private final Recorder latencies = new Recorder(3);
    private final AtomicLong results = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicReference<String> firstFailure = new AtomicReference<>();
    private final CompletableFuture<Void> firstResult = new CompletableFuture<>();
    private Histogram recycled;

    static SoakTally open(String runId) {
        SoakTally tally = new SoakTally();
        if (RUNNING.putIfAbsent(runId, tally) != null) {
            throw new IllegalStateException("A soak with id " + runId + " is running already.");
        }
        return tally;
    }

    static void close(String runId) {
        RUNNING.remove(runId);
    }

    private static SoakTally of(String runId) {
        SoakTally tally = RUNNING.get(runId);
        if (tally == null) {
            throw new IllegalStateException("No soak " + runId + " in this JVM: a soak runs in a local MiniCluster only.");
        }
        return tally;
    }

    long results() {
        return results.get();
    }

    long failures() {
        return failures.get();
    }

    /** Completes when the first result came out: the model is loaded and records flow. */
    CompletableFuture<Void> firstResult() {
        return firstResult;
    }

    String firstFailure() {
        return firstFailure.get();
    }

    /** The latencies of the records since the last call (the sampler is the only caller). */
    Histogram interval() {
        recycled = latencies.getIntervalHistogram(recycled);
        return recycled;
    }

    /** Notes each result: its latency from its making ({@link BenchRecords}) to now. */
    static final class Results implements FlatMapFunction<InferenceResult, Void>, Serializable {
        private static final long serialVersionUID = 1L;
        private final String runId;

        Results(String runId) {
            this.runId = runId;
        }

        @Override
        public void flatMap(InferenceResult result, Collector<Void> out) {
            SoakTally tally = of(runId);
            tally.latencies.recordValue(Math.max(0, System.nanoTime() - Long.parseLong(result.metadata().get(BenchRecords.MADE_NANOS))));
            if (tally.results.incrementAndGet() == 1) {
                tally.firstResult.complete(null);
            }
        }
    }

    /** Notes each failure, keeping the first one's reason for the report. */
    static final class Failures implements FlatMapFunction<InferenceFailure, Void>, Serializable {
        private static final long serialVersionUID = 1L;
        private final String runId;

        Failures(String runId) {
            this.runId = runId;
        }

        @Override
        public void flatMap(InferenceFailure failure, Collector<Void> out) {
            SoakTally tally = of(runId);
            tally.firstFailure.compareAndSet(null, failure.id() + " [" + failure.stage() + "]: " + failure.reason());
            tally.failures.incrementAndGet();
        }
    }
}
