package io.flinkinference.operators.engine;

import io.flinkinference.modelstore.manifest.DataType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A context's staging memory is allocated once per input and reused, growing only for a larger batch. */
class StagingBuffersTest {
    @Test
    void reusesOneBlockPerInputAndGrowsItOnlyWhenABatchNeedsMore() {
        StagingBuffers staging = new StagingBuffers();
        Tensor first = staging.tensor("x", DataType.FLOAT32, new long[] {4, 2});
        first.floats().put(0, 42f);

        Tensor smaller = staging.tensor("x", DataType.FLOAT32, new long[] {2, 2});
        assertThat(smaller.floats().get(0)).as("the same memory as the first batch").isEqualTo(42f);
        assertThat(smaller.shape()).containsExactly(2, 2);
        assertThat(staging.bytesHeld()).isEqualTo(32);

        staging.tensor("y", DataType.UINT8, new long[] {1, 3});
        assertThat(staging.bytesHeld()).as("one block per input").isEqualTo(35);

        Tensor larger = staging.tensor("x", DataType.FLOAT32, new long[] {8, 2});
        assertThat(larger.elementCount()).isEqualTo(16);
        assertThat(staging.bytesHeld()).isEqualTo(64 + 3);
    }
}
