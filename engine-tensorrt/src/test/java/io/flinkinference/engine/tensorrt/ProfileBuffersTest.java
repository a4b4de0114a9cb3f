package io.flinkinference.engine.tensorrt;

import io.flinkinference.modelstore.manifest.DataType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Buffer sizes for a plan's optimization profile: allocated once per context, for the largest batch. */
class ProfileBuffersTest {
    @Test
    void inputsTakeTheProfilesMaximum() {
        assertThat(ProfileBuffers.inputMaxShape("x", new long[] {64, 3, 48, 192})).containsExactly(64, 3, 48, 192);
        assertThatThrownBy(() -> ProfileBuffers.inputMaxShape("x", new long[] {64, 3, -1, 192}))
                .hasMessageContaining("every dimension must be fixed");
    }

    @Test
    void outputsTakeTheMaximumBatchAndRefuseDataDependentDimensions() {
        assertThat(ProfileBuffers.outputMaxShape("y", new long[] {-1, 2}, 64)).containsExactly(64, 2);
        assertThat(ProfileBuffers.outputMaxShape("y", new long[] {8, 2}, 64)).containsExactly(8, 2);
        assertThatThrownBy(() -> ProfileBuffers.outputMaxShape("boxes", new long[] {-1, -1, 4}, 64))
                .hasMessageContaining("Output 'boxes'")
                .hasMessageContaining("dimension 1 depends on the data")
                .hasMessageContaining("onnxruntime");
    }

    @Test
    void bytesAreElementsTimesTypeSizeRoundedUpTo256() {
        // the orientation classifier at batch 64: 64 x 3 x 48 x 192 floats, a multiple of 256 already
        assertThat(ProfileBuffers.bytes(DataType.FLOAT32, new long[] {64, 3, 48, 192})).isEqualTo(64L * 3 * 48 * 192 * 4);
        // its output: 64 x 2 floats = 512 bytes
        assertThat(ProfileBuffers.bytes(DataType.FLOAT32, new long[] {64, 2})).isEqualTo(512);
        // 3 half floats = 6 bytes, rounded up to one 256-byte block
        assertThat(ProfileBuffers.bytes(DataType.FLOAT16, new long[] {3})).isEqualTo(256);
        assertThat(ProfileBuffers.bytes(DataType.INT64, new long[] {33})).isEqualTo(512);
    }
}
