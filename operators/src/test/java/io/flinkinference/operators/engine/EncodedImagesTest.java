package io.flinkinference.operators.engine;

import io.flinkinference.modelstore.manifest.DataType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Encoded images of different lengths in one batch: bytes back to back, one length per row. */
class EncodedImagesTest {
    @Test
    void stacksImagesOfAnyLengthAndUnstacksThemInRowOrderWithPaddingRowsEmpty() {
        List<Map<String, Tensor>> records = List.of(EncodedImages.record(new byte[] {1, 2, 3}),
                EncodedImages.record(new byte[] {4}), EncodedImages.record(new byte[] {5, 6}));

        Map<String, Tensor> batch = EncodedImages.stack(records, 5);

        assertThat(batch.get(EncodedImages.BYTES).shape()).containsExactly(1, 6);
        assertThat(batch.get(EncodedImages.LENGTHS).dtype()).isEqualTo(DataType.INT64);
        assertThat(batch.get(EncodedImages.LENGTHS).shape()).containsExactly(5);
        List<byte[]> images = EncodedImages.unstack(batch);
        assertThat(images).hasSize(5);
        assertThat(images.get(0)).containsExactly(1, 2, 3);
        assertThat(images.get(1)).containsExactly(4);
        assertThat(images.get(2)).containsExactly(5, 6);
        assertThat(images.get(3)).isEmpty();
        assertThat(images.get(4)).isEmpty();
    }

    @Test
    void refusesLengthsThatDoNotAddUp() {
        Map<String, Tensor> batch = new java.util.HashMap<>(EncodedImages.stack(List.of(EncodedImages.record(new byte[4])), 1));
        Tensor lengths = Tensor.allocate(DataType.INT64, 1);
        lengths.buffer().putLong(0, 99);
        batch.put(EncodedImages.LENGTHS, lengths);

        assertThatThrownBy(() -> EncodedImages.unstack(batch)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("claims 99 bytes; 4 are left");
        assertThatThrownBy(() -> EncodedImages.unstack(Map.of(EncodedImages.BYTES, Tensor.allocate(DataType.UINT8, 1, 4))))
                .hasMessageContaining("needs 'encoded_images.lengths'");
    }

    @Test
    void flagsTheRowsThatCouldNotBeDecoded() {
        Tensor flags = EncodedImages.undecodable(4, Set.of(1, 3, 7));

        assertThat(flags.shape()).containsExactly(4);
        byte[] values = new byte[4];
        flags.buffer().get(values);
        assertThat(values).containsExactly(0, 1, 0, 1);
    }
}
