package io.flinkinference.benchmarks;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Keeps every inference metric of the jobs of this JVM (their MiniClusters run here), so that a
 * benchmark reads a job's own figures once it has finished: the metric objects keep their values
 * after their operators close. Named in {@code metrics.reporter.<name>.factory.class}.
 */
public final class JobMetricsReporter implements MetricReporter {
    /** One subtask's metric of one model: {@code name} is its path below the model version group, e.g. {@code timeNanos.engine}. */
    private record Registered(String model, String name, Metric metric) {}

    private static final List<Registered> METRICS = new CopyOnWriteArrayList<>();
    private static final String VERSION_GROUP = ".model_version.";

    /** Forgets the metrics of earlier jobs. */
    static void clear() {
        METRICS.clear();
    }

    /** The sum of a counter over the subtasks of {@code model}. */
    static long counterSum(String model, String name) {
        return METRICS.stream()
                .filter(m -> m.model().equals(model) && m.name().equals(name) && m.metric() instanceof Counter)
                .mapToLong(m -> ((Counter) m.metric()).getCount())
                .sum();
    }

    /** The mean of a histogram's recent window over the subtasks of {@code model}, weighted by their sample counts. */
    static double histogramMean(String model, String name) {
        double sum = 0;
        long count = 0;
        for (Registered m : METRICS) {
            if (m.model().equals(model) && m.name().equals(name) && m.metric() instanceof Histogram histogram) {
                long n = Math.min(histogram.getCount(), histogram.getStatistics().size());
                sum += histogram.getStatistics().getMean() * n;
                count += n;
            }
        }
        return count == 0 ? Double.NaN : sum / count;
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        String model = group.getAllVariables().get("<model>");
        String identifier = group.getMetricIdentifier(name);
        int version = identifier.indexOf(VERSION_GROUP);
        if (model == null || version < 0) {
            return; // not one of the inference function's
        }
        String path = identifier.substring(identifier.indexOf('.', version + VERSION_GROUP.length()) + 1);
        METRICS.add(new Registered(model, path, metric));
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {}

    /** Found through its service file. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new JobMetricsReporter();
        }
    }
}
