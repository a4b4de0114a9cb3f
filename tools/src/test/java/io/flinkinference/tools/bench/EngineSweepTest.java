package io.flinkinference.tools.bench;

import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.operators.engine.BatchRange;
import io.flinkinference.operators.engine.Engines;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.testing.TestModels;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The engine sweep on the real orientation classifier and ONNX Runtime, as the setup job or a benchmark would call it. */
class EngineSweepTest {

    @Test
    void measuresEachPointWithEveryCallerOnItsOwnContext() {
        ModelVersion model = TestModels.classifier();
        List<String> progress = new ArrayList<>();
        try (InferenceEngine engine = Engines.provider("onnxruntime").open(model, new Configuration(), -1)) {
            SyntheticTensors inputs = new SyntheticTensors(model.manifest().inputs(), model.manifest().preprocessing(), 3);
            List<EngineSweep.Measurement> points = new EngineSweep(engine, inputs, Duration.ZERO, Duration.ofMillis(100))
                    .run(List.of(2, 3), List.of(3), progress::add);

            assertThat(points).extracting(EngineSweep.Measurement::batchSize).containsExactly(2, 3);
            for (EngineSweep.Measurement point : points) {
                assertThat(point.callers()).isEqualTo(3);
                assertThat(point.calls()).isGreaterThanOrEqualTo(3); // each caller runs at least one measured call
                assertThat(point.records()).isEqualTo(point.calls() * point.batchSize());
                assertThat(point.recordsPerSecond()).isPositive();
                assertThat(point.p50Millis()).isPositive().isLessThanOrEqualTo(point.p99Millis());
            }
        }
        assertThat(progress).hasSize(2).first().asString().startsWith("engine 1/2: batch 2, 3 caller(s)");
    }

    @Test
    void theDefaultBatchSizesAreThoseTheEngineTakesAndAskedOnesMustFit() {
        assertThat(EngineSweep.batchSizes(null, BatchRange.ANY)).containsExactly(1, 2, 4, 8, 16, 32);
        assertThat(EngineSweep.batchSizes(List.of(), new BatchRange(2, 8))).containsExactly(2, 4, 8);
        assertThat(EngineSweep.batchSizes(null, BatchRange.fixed(3))).containsExactly(3);
        assertThat(EngineSweep.batchSizes(List.of(64, 1), BatchRange.ANY)).containsExactly(64, 1);
        assertThatThrownBy(() -> EngineSweep.batchSizes(List.of(4, 64), new BatchRange(1, 32)))
                .hasMessageContaining("Batch size 64 is outside the engine's batch range [1, 32]");
    }

    @Test
    void syntheticInputsSizeDynamicDimensionsFromThePreprocessingAndAreSeeded() {
        ModelVersion recognizer = TestModels.store().resolve(io.flinkinference.modelstore.ModelRef.latest("ppocr-rec"));
        SyntheticTensors inputs = new SyntheticTensors(recognizer.manifest().inputs(), recognizer.manifest().preprocessing(), 5);

        long[] shape = inputs.recordShape();
        assertThat(shape[0]).isEqualTo(1);
        assertThat(shape).doesNotContain(-1L);
        assertThat(inputs.recordPayloads(2)).hasSize(2);
        assertThat(inputs.recordPayloads(1).get(0)).isEqualTo(new SyntheticTensors(recognizer.manifest().inputs(),
                recognizer.manifest().preprocessing(), 5).recordPayloads(1).get(0));
        assertThat(inputs.recordPayloads(2).get(1)).isNotEqualTo(inputs.recordPayloads(2).get(0));
    }
}
