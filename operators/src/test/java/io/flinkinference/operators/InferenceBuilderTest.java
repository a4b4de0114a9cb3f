package io.flinkinference.operators;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InferenceBuilderTest {

    @Test
    void readsEverySettingFromAConfiguration() {
        Configuration config = new Configuration();
        config.set(InferenceOptions.MODEL, "ppocr-cls:1");
        config.set(InferenceOptions.MODEL_STORE, "file:///tmp/store");
        config.set(InferenceOptions.MAX_BATCH_SIZE, 16);
        config.set(InferenceOptions.MAX_QUEUE_DELAY, Duration.ofMillis(3));
        config.set(InferenceOptions.PREFERRED_BATCH_SIZES, List.of(8, 4));
        config.set(InferenceOptions.MAX_INFLIGHT_BATCHES, 3);
        config.set(InferenceOptions.OUTPUT_MODE, InferenceOptions.OutputMode.UNORDERED);
        config.set(InferenceOptions.TIMEOUT, Duration.ofSeconds(9));

        Inference<InferenceRequest, InferenceResult> inference = Inference.builder().configure(config).build();

        assertThat(inference.batching().maxBatchSize()).isEqualTo(16);
        assertThat(inference.batching().maxQueueDelayMicros()).isEqualTo(3_000);
        assertThat(inference.batching().preferredBatchSizes()).containsExactly(4, 8);
        assertThat(inference.batching().maxInflightBatches()).isEqualTo(3);
        assertThat(inference.ordered()).isFalse();
        assertThat(inference.timeoutMillis()).isEqualTo(9_000);
        assertThat(inference.capacity()).as("default: room for a queued batch per in-flight one").isEqualTo(64);
    }

    @Test
    void namesTheSettingThatIsWrong() {
        assertThatThrownBy(() -> Inference.builder().build()).hasMessageContaining("inference.model");
        assertThatThrownBy(() -> Inference.builder().model("m").maxBatchSize(0).build())
                .hasMessageContaining("inference.batch").hasMessageContaining("max batch size");
        assertThatThrownBy(() -> Inference.builder().model("m").maxBatchSize(32).capacity(8).build())
                .hasMessageContaining("inference.capacity 8 is below inference.batch.max-size 32");
        assertThatThrownBy(() -> Inference.builder().model("m:x").build()).hasMessageContaining("not a model reference");
    }
}
