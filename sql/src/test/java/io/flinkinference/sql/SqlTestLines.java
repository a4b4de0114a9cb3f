package io.flinkinference.sql;

import io.flinkinference.samples.TextLineImages;
import io.flinkinference.testing.TestModels;
import org.apache.flink.api.common.JobID;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.testutils.InMemoryReporter;

import java.util.List;

/** What the SQL tests share: seeded text lines, the model DDL and the batch sizes the function reported. */
final class SqlTestLines {
    private SqlTestLines() {}

    static List<TextLineImages.Sample> lines(long seed, int count) {
        return new TextLineImages(seed).samples(count);
    }

    /** {@code CREATE MODEL} for the orientation classifier of the test store, with {@code extra} options. */
    static String createClassifier(String name, String columns, String extra) {
        return "CREATE TEMPORARY MODEL " + name + " " + columns + " WITH ('provider' = 'onnxruntime', "
                + "'model-store' = '" + TestModels.store().root() + "', 'model' = 'ppocr-cls'" + extra + ")";
    }

    static final String CLASSIFIER_COLUMNS = "INPUT (image BYTES) OUTPUT (label STRING, score FLOAT, batch_size INT)";

    /** The largest batch any subtask's {@code batchSize} histogram saw in the job. */
    static long largestBatch(InMemoryReporter reporter, JobID job) {
        return reporter.findMetrics(job, "batchSize").values().stream()
                .filter(Histogram.class::isInstance)
                .mapToLong(metric -> ((Histogram) metric).getStatistics().getMax())
                .max().orElse(0);
    }
}
