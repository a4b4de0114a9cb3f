package io.flinkinference.operators;

import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A metric reporter for tests that keeps each subtask's {@code maxBatchSize} gauge, to be read
 * once the job has run: the gauge is registered before the batcher opens, so its value at
 * registration is not yet the limit.
 */
public final class BatchLimitReporter implements MetricReporter {
    /** By subtask index. */
    public static final Map<Integer, Gauge<?>> GAUGES = new ConcurrentHashMap<>();

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        if (name.equals("maxBatchSize") && metric instanceof Gauge<?> gauge) {
            GAUGES.put(Integer.parseInt(group.getAllVariables().get("<subtask_index>")), gauge);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {}

    /** Named in {@code metrics.reporter.<name>.factory.class}; found through its service file. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new BatchLimitReporter();
        }
    }
}
