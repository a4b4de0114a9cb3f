package io.flinkinference.operators.metrics;

import io.flinkinference.operators.InferenceFailure;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;

import static org.assertj.core.api.Assertions.assertThat;

class InferenceMetricsTest {

    @Test
    void registersAndUpdatesTheFunctionsMetrics() {
        Map<String, Metric> registered = new HashMap<>();
        InferenceMetrics metrics = new InferenceMetrics(new RecordingGroup("", registered));

        metrics.batchCompleted(8, 8, 80_000, 4_000_000);
        metrics.batchCompleted(2, 2, 20_000, 1_000_000);
        // A batch shared with another slot: its size is the batch's, its records only this slot's.
        metrics.batchCompleted(16, 3, 160_000, 1_600_000);
        metrics.preprocessed(700);
        metrics.preprocessed(300);
        metrics.postprocessed(50);
        metrics.recordQueued(250_000);
        metrics.failure(InferenceFailure.Stage.DECODE);
        metrics.failure(InferenceFailure.Stage.DECODE);

        assertThat(((Histogram) registered.get("batchSize")).getStatistics().getMax()).isEqualTo(16);
        assertThat(((Histogram) registered.get("batchSize")).getCount()).isEqualTo(3);
        assertThat(((Histogram) registered.get("inferenceMicros")).getStatistics().getMin()).isEqualTo(1_000);
        assertThat(((Histogram) registered.get("queueDelayMicros")).getStatistics().getMean()).isEqualTo(250);
        assertThat(((Counter) registered.get("records")).getCount()).isEqualTo(13);
        assertThat(((Counter) registered.get("batches")).getCount()).isEqualTo(3);
        assertThat(registered.get("recordsPerSecond")).isInstanceOf(Meter.class);
        assertThat(registered.get("batchesPerSecond")).isInstanceOf(Meter.class);
        assertThat(((Counter) registered.get("failures.decode")).getCount()).isEqualTo(2);
        assertThat(((Counter) registered.get("failures.timeout")).getCount()).isZero();
        assertThat(((Counter) registered.get("timeNanos.preprocess")).getCount()).isEqualTo(1_000);
        assertThat(((Counter) registered.get("timeNanos.postprocess")).getCount()).isEqualTo(50);
        // This slot's share of each batch: all of the first two, 3/16 of the shared one.
        assertThat(((Counter) registered.get("timeNanos.stack")).getCount()).isEqualTo(80_000 + 20_000 + 30_000);
        assertThat(((Counter) registered.get("timeNanos.engine")).getCount()).isEqualTo(4_000_000 + 1_000_000 + 300_000);
    }

    @Test
    void theMaxBatchSizeGaugeReportsTheBatchersLimitOnceItIsKnown() {
        Map<String, Metric> registered = new HashMap<>();
        InferenceMetrics metrics = new InferenceMetrics(new RecordingGroup("", registered));
        Gauge<?> gauge = (Gauge<?>) registered.get("maxBatchSize");
        assertThat(gauge.getValue()).as("before the batcher opened").isEqualTo(0);

        metrics.maxBatchSize(4);

        assertThat(gauge.getValue()).isEqualTo(4);
    }

    /**
     * The batcher's workers complete batches in parallel; with plain {@code SimpleCounter}s some of
     * these increments are lost (their {@code count++} races), so the totals come out short.
     */
    @Test
    void countsEveryUpdateFromConcurrentThreads() throws Exception {
        Map<String, Metric> registered = new HashMap<>();
        InferenceMetrics metrics = new InferenceMetrics(new RecordingGroup("", registered));
        int threads = 4;
        int batchesPerThread = 1_000_000;
        // All threads start updating at once, so that their increments overlap.
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Thread> workers = new ArrayList<>();
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < batchesPerThread; i++) {
                        metrics.batchCompleted(2, 2, 100, 1_000);
                        metrics.recordQueued(1_000);
                        metrics.failure(InferenceFailure.Stage.TIMEOUT);
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }

        long total = (long) threads * batchesPerThread;
        assertThat(errors).isEmpty();
        assertThat(((Counter) registered.get("batches")).getCount()).isEqualTo(total);
        assertThat(((Counter) registered.get("records")).getCount()).isEqualTo(2 * total);
        assertThat(((Counter) registered.get("timeNanos.engine")).getCount()).isEqualTo(1_000 * total);
        assertThat(((Counter) registered.get("failures.timeout")).getCount()).isEqualTo(total);
        assertThat(((Histogram) registered.get("batchSize")).getCount()).isEqualTo(total);
        assertThat(((Histogram) registered.get("queueDelayMicros")).getCount()).isEqualTo(total);
    }

    /** Keeps what is registered, by dotted name, instead of reporting it. */
    private static final class RecordingGroup extends UnregisteredMetricsGroup {
        private final String prefix;
        private final Map<String, Metric> registered;

        RecordingGroup(String prefix, Map<String, Metric> registered) {
            this.prefix = prefix;
            this.registered = registered;
        }

        @Override
        public <C extends Counter> C counter(String name, C counter) {
            registered.put(prefix + name, counter);
            return counter;
        }

        /** What Flink's own metric groups do: a plain, not thread-safe, counter. */
        @Override
        public Counter counter(String name) {
            return counter(name, new org.apache.flink.metrics.SimpleCounter());
        }

        @Override
        public <H extends Histogram> H histogram(String name, H histogram) {
            registered.put(prefix + name, histogram);
            return histogram;
        }

        @Override
        public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
            registered.put(prefix + name, gauge);
            return gauge;
        }

        @Override
        public <M extends Meter> M meter(String name, M meter) {
            registered.put(prefix + name, meter);
            return meter;
        }

        @Override
        public MetricGroup addGroup(String name) {
            return new RecordingGroup(prefix + name + ".", registered);
        }
    }
}
