package io.flinkinference.operators.metrics;

import io.flinkinference.operators.InferenceFailure;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class InferenceMetricsTest {

    @Test
    void registersAndUpdatesTheFunctionsMetrics() {
        Map<String, Metric> registered = new HashMap<>();
        InferenceMetrics metrics = new InferenceMetrics(new RecordingGroup("", registered));

        metrics.batchCompleted(8, 4_000_000);
        metrics.batchCompleted(2, 1_000_000);
        metrics.recordQueued(250_000);
        metrics.failure(InferenceFailure.Stage.DECODE);
        metrics.failure(InferenceFailure.Stage.DECODE);

        assertThat(((Histogram) registered.get("batchSize")).getStatistics().getMax()).isEqualTo(8);
        assertThat(((Histogram) registered.get("batchSize")).getCount()).isEqualTo(2);
        assertThat(((Histogram) registered.get("inferenceMicros")).getStatistics().getMin()).isEqualTo(1_000);
        assertThat(((Histogram) registered.get("queueDelayMicros")).getStatistics().getMean()).isEqualTo(250);
        assertThat(((Counter) registered.get("records")).getCount()).isEqualTo(10);
        assertThat(((Counter) registered.get("batches")).getCount()).isEqualTo(2);
        assertThat(registered.get("recordsPerSecond")).isInstanceOf(Meter.class);
        assertThat(registered.get("batchesPerSecond")).isInstanceOf(Meter.class);
        assertThat(((Counter) registered.get("failures.decode")).getCount()).isEqualTo(2);
        assertThat(((Counter) registered.get("failures.timeout")).getCount()).isZero();
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
