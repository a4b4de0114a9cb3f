package io.flinkinference.operators;

import io.flinkinference.operators.engine.DeviceAssignment;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A metric reporter for tests that records, as each subtask registers it, the GPU the subtask was
 * given ({@link DeviceAssignment#DEVICE_METRIC}) with the TaskManager and subtask it belongs to.
 * The metric group is the one place that knows all three: engines are shared, so the engine
 * provider sees one open per device, not one per subtask.
 */
public final class DeviceMetricReporter implements MetricReporter {
    /** One subtask's device. */
    public record Assignment(String taskManager, int subtask, int device) {}

    public static final List<Assignment> ASSIGNMENTS = new CopyOnWriteArrayList<>();
    /** Told of each assignment as it is recorded. */
    public static volatile Consumer<Assignment> listener = assignment -> { };

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        if (name.equals(DeviceAssignment.DEVICE_METRIC) && metric instanceof Gauge<?> gauge) {
            var variables = group.getAllVariables();
            Assignment assignment = new Assignment(variables.get("<tm_id>"), Integer.parseInt(variables.get("<subtask_index>")),
                    (Integer) gauge.getValue());
            ASSIGNMENTS.add(assignment);
            listener.accept(assignment);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {}

    /** Named in {@code metrics.reporter.<name>.factory.class}; found through its service file. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new DeviceMetricReporter();
        }
    }
}
