package io.flinkinference.sql;

import io.flinkinference.samples.TextLineImages;
import io.flinkinference.operators.translate.ImagePreprocessor;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import io.flinkinference.testing.TestModels;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.ModelDescriptor;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.ColumnList;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.apache.flink.table.api.Expressions.$;
import static org.apache.flink.table.api.Expressions.row;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * ML_PREDICT end to end on a MiniCluster with the real orientation classifier: rendered text lines,
 * upright and upside down, each row's label checked against the truth, and the batches that the
 * async path formed across rows read from the function's own {@code batchSize} metric.
 */
class MlPredictTest {
    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(REPORTER.addToConfiguration(new Configuration()))
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @Test
    void classifiesRenderedLinesInBatchesOnTheAsyncPath() throws Exception {
        List<TextLineImages.Sample> lines = SqlTestLines.lines(13, 64);
        StreamTableEnvironment tables = tables(lines);
        // Rows wait up to 50 ms for company, so that batches form however fast the engine is on this
        // machine; fitting is off, since a noisy fit may cap batches at 1, and this test is about batching.
        tables.executeSql(SqlTestLines.createClassifier("orientation", SqlTestLines.CLASSIFIER_COLUMNS,
                ", 'max-batch-size' = '16', 'work-conserving' = 'false', 'max-queue-delay' = '50ms', 'fit-to-engine' = 'false'"));

        TableResult result = tables.executeSql("SELECT line, truth, label, score, batch_size FROM ML_PREDICT("
                + "TABLE lines, MODEL orientation, DESCRIPTOR(image), MAP['async', 'true', 'max-concurrent-operations', '48'])");
        List<Row> rows = collect(result);
        JobID job = result.getJobClient().orElseThrow().getJobID();

        assertThat(rows).hasSize(lines.size());
        assertThat(rows).allSatisfy(row -> assertThat((String) row.getFieldAs("label")).isIn("0", "180"));
        long right = rows.stream().filter(row -> row.getFieldAs("label").equals(row.getFieldAs("truth"))).count();
        assertThat(right).as("rows classified right, of %d", rows.size()).isGreaterThanOrEqualTo(61);
        assertThat(rows).extracting(row -> (Integer) row.getFieldAs("batch_size")).as("each row's batch").allMatch(size -> size >= 1);
        assertThat(SqlTestLines.largestBatch(REPORTER, job)).as("the largest batch the function reported").isGreaterThan(1);
    }

    @Test
    void classifiesOnTheSynchronousPath() throws Exception {
        List<TextLineImages.Sample> lines = SqlTestLines.lines(14, 12);
        StreamTableEnvironment tables = tables(lines);
        tables.executeSql(SqlTestLines.createClassifier("orientation_sync", SqlTestLines.CLASSIFIER_COLUMNS, ""));

        List<Row> rows = collect(tables.executeSql("SELECT line, truth, label FROM ML_PREDICT("
                + "TABLE lines, MODEL orientation_sync, DESCRIPTOR(image))"));

        assertThat(rows).hasSize(lines.size());
        long right = rows.stream().filter(row -> row.getFieldAs("label").equals(row.getFieldAs("truth"))).count();
        assertThat(right).as("rows classified right, of %d", rows.size()).isGreaterThanOrEqualTo(11);
    }

    @Test
    void classifiesThroughTheTableApiModel() throws Exception {
        List<TextLineImages.Sample> lines = SqlTestLines.lines(16, 12);
        StreamTableEnvironment tables = tables(lines);
        tables.createTemporaryModel("orientation_api", ModelDescriptor.forProvider("onnxruntime")
                .inputSchema(Schema.newBuilder().column("image", DataTypes.BYTES()).build())
                .outputSchema(Schema.newBuilder().column("label", DataTypes.STRING()).column("score", DataTypes.FLOAT()).build())
                .option(ModelOptions.MODEL_STORE, TestModels.store().root().toString())
                .option(ModelOptions.MODEL, "ppocr-cls")
                .option(ModelOptions.MAX_BATCH_SIZE, 8)
                .build());

        Table predicted = tables.fromModel("orientation_api")
                .predict(tables.from("lines"), ColumnList.of("image"), Map.of("async", "true"));
        List<Row> rows = collect(predicted.select($("line"), $("truth"), $("label")).execute());

        assertThat(rows).hasSize(lines.size());
        long right = rows.stream().filter(row -> row.getFieldAs("label").equals(row.getFieldAs("truth"))).count();
        assertThat(right).as("rows classified right, of %d", rows.size()).isGreaterThanOrEqualTo(11);
    }

    @Test
    void classifiesPreprocessedTensorsGivenAsFloatArrays() throws Exception {
        List<TextLineImages.Sample> lines = SqlTestLines.lines(17, 8);
        ImagePreprocessor preprocessor = new ImagePreprocessor(TestModels.classifier().manifest().preprocessing());
        List<Row> tensors = new ArrayList<>();
        for (TextLineImages.Sample line : lines) {
            FloatBuffer values = preprocessor.batch(List.of(line.image())).buffer().asFloatBuffer();
            float[] x = new float[values.remaining()];
            values.get(x);
            tensors.add(Row.of(x, line.orientationLabel()));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        tables.createTemporaryView("tensors", tables.fromDataStream(env.fromData(tensors,
                Types.ROW_NAMED(new String[] {"x", "truth"}, Types.PRIMITIVE_ARRAY(Types.FLOAT), Types.STRING))));
        tables.executeSql(SqlTestLines.createClassifier("orientation_tensors",
                "INPUT (x ARRAY<FLOAT NOT NULL>) OUTPUT (label STRING, error STRING)", ""));

        List<Row> rows = collect(tables.executeSql("SELECT truth, label, error FROM ML_PREDICT("
                + "TABLE tensors, MODEL orientation_tensors, DESCRIPTOR(x), MAP['async', 'true'])"));

        assertThat(rows).hasSize(lines.size()).allSatisfy(row -> assertThat(row.getField("error")).isNull());
        long right = rows.stream().filter(row -> row.getFieldAs("label").equals(row.getFieldAs("truth"))).count();
        assertThat(right).as("tensors classified right, of %d", rows.size()).isGreaterThanOrEqualTo(7);
    }

    @Test
    void answersARowThatIsNoImageWithItsErrorInsteadOfFailingTheJob() throws Exception {
        StreamTableEnvironment tables = tables(SqlTestLines.lines(18, 2));
        tables.executeSql("CREATE TEMPORARY VIEW mixed AS SELECT line, image FROM lines "
                + "UNION ALL SELECT 99, CAST(x'0001020304' AS BYTES)");
        tables.executeSql(SqlTestLines.createClassifier("orientation_errors",
                "INPUT (image BYTES) OUTPUT (label STRING, error STRING)", ""));

        List<Row> rows = collect(tables.executeSql("SELECT line, label, error FROM ML_PREDICT("
                + "TABLE mixed, MODEL orientation_errors, DESCRIPTOR(image), MAP['async', 'true'])"));

        assertThat(rows).hasSize(3);
        Row bad = rows.stream().filter(row -> ((Integer) row.getFieldAs("line")) == 99).findFirst().orElseThrow();
        assertThat(bad.getField("label")).isNull();
        assertThat((String) bad.getFieldAs("error")).startsWith("DECODE: ");
        assertThat(rows).filteredOn(row -> ((Integer) row.getFieldAs("line")) != 99)
                .allSatisfy(row -> assertThat(row.getField("error")).isNull())
                .allSatisfy(row -> assertThat((String) row.getFieldAs("label")).isIn("0", "180"));
    }

    /** A table {@code lines} of the rendered lines: their number, PNG bytes and true orientation. */
    private static StreamTableEnvironment tables(List<TextLineImages.Sample> lines) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            values.add(row(i, lines.get(i).png(), lines.get(i).orientationLabel()));
        }
        Table table = tables.fromValues(DataTypes.ROW(
                DataTypes.FIELD("line", DataTypes.INT()),
                DataTypes.FIELD("image", DataTypes.BYTES()),
                DataTypes.FIELD("truth", DataTypes.STRING())), values.toArray());
        tables.createTemporaryView("lines", table);
        return tables;
    }

    private static List<Row> collect(TableResult result) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> it = result.collect()) {
            it.forEachRemaining(rows::add);
        }
        return rows;
    }
}
