package io.flinkinference.operators;

import io.flinkinference.operators.batching.ManualBatchClock;
import io.flinkinference.operators.engine.ConcurrentBatches;
import io.flinkinference.testing.TestModels;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The function tells the engine it opens how many batches may run on it at once. */
class EngineConcurrencyTest {

    @Test
    void theEngineHearsTheSlotsTimesTheBatchesInFlightOfEach() throws Exception {
        // A Flink configuration directory would name the TaskManager's slots instead of the parallelism.
        assumeTrue(System.getenv("FLINK_CONF_DIR") == null, "FLINK_CONF_DIR is set");
        ConcurrencyRecordingEngineProvider.OPENED.clear();
        Inference<InferenceRequest, InferenceResult> inference = Inference.builder()
                .modelStore(TestModels.store().root()).model("ppocr-cls").engine(ConcurrencyRecordingEngineProvider.NAME)
                .maxInflightBatches(2).build();
        try (OneInputStreamOperatorTestHarness<InferenceRequest, Either<InferenceFailure, InferenceResult>> harness =
                InferenceHarnesses.of(inference, 3, 0, new ManualBatchClock())) {
            harness.open();
        }

        assertThat(ConcurrencyRecordingEngineProvider.OPENED).singleElement().satisfies(opened -> {
            assertThat(opened.slots()).as("the parallelism, for want of a configured slot count").isEqualTo(3);
            assertThat(opened.perSlot()).isEqualTo(2);
            assertThat(opened.total()).isEqualTo(6);
        });
    }
}
