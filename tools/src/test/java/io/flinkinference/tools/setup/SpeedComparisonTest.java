package io.flinkinference.tools.setup;

import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.operators.engine.BatchRange;
import io.flinkinference.operators.engine.Engines;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.testing.TestModels;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class SpeedComparisonTest {

    @Test
    void bothAreMeasuredAtBatch8WhenBothTakeItElseAtTheLargestSizeBothTake() {
        assertThat(SpeedComparison.commonBatch(BatchRange.ANY, new BatchRange(1, 32))).isEqualTo(8);
        assertThat(SpeedComparison.commonBatch(BatchRange.ANY, new BatchRange(1, 4))).isEqualTo(4);
        assertThat(SpeedComparison.commonBatch(new BatchRange(16, 64), BatchRange.ANY)).isEqualTo(32);
        assertThat(SpeedComparison.commonBatch(BatchRange.fixed(3), BatchRange.ANY)).isNull();
    }

    @Test
    void theSameModelOnTheSameEngineMeasuresBothSidesAndRecordsTheFigures() {
        ModelVersion model = TestModels.classifier();
        try (InferenceEngine parent = Engines.provider("onnxruntime").open(model, new Configuration(), -1);
                InferenceEngine candidate = Engines.provider("onnxruntime").open(model, new Configuration(), -1)) {
            SpeedComparison.Result result = SpeedComparison.measure(parent, "onnxruntime", candidate, "onnxruntime",
                    model.manifest(), Duration.ofMillis(100));

            assertThat(result.measured()).isTrue();
            assertThat(result.batchSize()).isEqualTo(8);
            assertThat(result.parentRecordsPerSecond()).isPositive();
            assertThat(result.recordsPerSecond()).isPositive();
            assertThat(result.facts()).containsKeys("speed.parent.recordsPerSecond", "speed.recordsPerSecond", "speed.speedup")
                    .containsEntry("speed.batchSize", "8").containsEntry("speed.rounds", "2");
            assertThat(result.footnote()).contains("batch 8", "onnxruntime", "best of 2 windows of 0.1 s");
        }
        SpeedComparison.Result none = SpeedComparison.Result.notMeasured("--no-speed");
        assertThat(none.facts()).isEmpty();
        assertThat(none.footnote()).isEqualTo("IMG/S: not measured (--no-speed)");
    }
}
