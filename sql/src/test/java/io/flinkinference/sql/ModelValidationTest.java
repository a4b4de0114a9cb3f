package io.flinkinference.sql;

import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Misconfigured models fail when the query is planned, before any job runs, saying what is wrong. */
class ModelValidationTest {
    private TableEnvironment tables;

    @BeforeEach
    void lines() {
        tables = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        tables.executeSql("CREATE TEMPORARY VIEW lines AS SELECT * FROM (VALUES (1, CAST(x'00' AS BYTES))) AS t(line, image)");
    }

    private void plan(String model) {
        tables.explainSql("SELECT * FROM ML_PREDICT(TABLE lines, MODEL " + model + ", DESCRIPTOR(image))");
    }

    @Test
    void refusesAnUnknownOption() {
        tables.executeSql(SqlTestLines.createClassifier("typo", SqlTestLines.CLASSIFIER_COLUMNS, ", 'max-batchsize' = '8'"));
        assertThatThrownBy(() -> plan("typo"))
                .hasStackTraceContaining("Unsupported options")
                .hasStackTraceContaining("max-batchsize")
                .hasStackTraceContaining("max-batch-size");
    }

    @Test
    void refusesAnUnknownEngineOption() {
        tables.executeSql(SqlTestLines.createClassifier("engine_typo", SqlTestLines.CLASSIFIER_COLUMNS,
                ", 'onnxruntime.intra-op-thread' = '2'"));
        assertThatThrownBy(() -> plan("engine_typo"))
                .hasStackTraceContaining("onnxruntime.intra-op-thread");
    }

    @Test
    void refusesAnOutputColumnOfTheWrongType() {
        tables.executeSql(SqlTestLines.createClassifier("wrong_type", "INPUT (image BYTES) OUTPUT (label INT)", ""));
        assertThatThrownBy(() -> plan("wrong_type"))
                .hasStackTraceContaining("OUTPUT column 'label' of model")
                .hasStackTraceContaining("is INT; it must be STRING");
    }

    @Test
    void refusesAnOutputThePostprocessingDoesNotGive() {
        tables.executeSql(SqlTestLines.createClassifier("no_text", "INPUT (image BYTES) OUTPUT (text STRING)", ""));
        assertThatThrownBy(() -> plan("no_text"))
                .hasStackTraceContaining("OUTPUT column 'text' of model")
                .hasStackTraceContaining("needs ctc postprocessing, but ppocr-cls:1's manifest says topk");
    }

    @Test
    void refusesATensorInputOfTheWrongName() {
        tables.executeSql(SqlTestLines.createClassifier("tensor_name", "INPUT (pixels ARRAY<FLOAT>) OUTPUT (label STRING)", ""));
        tables.executeSql("CREATE TEMPORARY VIEW tensors AS SELECT * FROM (VALUES (ARRAY[CAST(0.5 AS FLOAT)])) AS t(pixels)");
        assertThatThrownBy(() -> tables.explainSql("SELECT * FROM ML_PREDICT(TABLE tensors, MODEL tensor_name, DESCRIPTOR(pixels))"))
                .hasStackTraceContaining("INPUT column 'pixels'")
                .hasStackTraceContaining("input is named 'x'");
    }

    @Test
    void refusesAModelTheStoreDoesNotHold() {
        tables.executeSql("CREATE TEMPORARY MODEL missing INPUT (image BYTES) OUTPUT (label STRING) WITH ("
                + "'provider' = 'onnxruntime', 'model-store' = '" + io.flinkinference.testing.TestModels.store().root()
                + "', 'model' = 'no-such-model')");
        assertThatThrownBy(() -> plan("missing"))
                .hasStackTraceContaining("(provider 'onnxruntime')")
                .hasStackTraceContaining("no-such-model");
    }

    @Test
    void refusesAVersionTheStoreDoesNotHold() {
        tables.executeSql(SqlTestLines.createClassifier("future", SqlTestLines.CLASSIFIER_COLUMNS, ", 'version' = '99'"));
        assertThatThrownBy(() -> plan("future"))
                .hasStackTraceContaining("ppocr-cls:99 is not in the model store");
    }
}
