package io.flinkinference.operators.engine;

import io.flinkinference.modelstore.manifest.DataType;
import io.flinkinference.operators.batching.EncodedImageBatchifier;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Encoded images of different lengths in one batch: bytes back to back in the context's staging memory, plus offsets. */
class EncodedImagesTest {
    @Test
    void stacksImagesOfAnyLengthIntoTheContextsStagingMemoryAndReadsThemInPlace() {
        RecordingContext context = new RecordingContext();

        Map<String, Tensor> batch = EncodedImageBatchifier.INSTANCE.stack(
                List.of(new byte[] {1, 2, 3}, new byte[] {4}, new byte[] {5, 6}), 5, context);

        assertThat(batch.get(EncodedImages.BYTES)).isSameAs(context.handedOut.get(EncodedImages.BYTES));
        assertThat(batch.get(EncodedImages.OFFSETS)).isSameAs(context.handedOut.get(EncodedImages.OFFSETS));
        assertThat(batch.get(EncodedImages.BYTES).shape()).containsExactly(1, 6);
        long[] offsets = new long[6];
        batch.get(EncodedImages.OFFSETS).buffer().asLongBuffer().get(offsets);
        assertThat(offsets).containsExactly(0, 3, 4, 6, 6, 6);

        EncodedImages.Batch images = EncodedImages.read(batch);
        assertThat(images.rows()).isEqualTo(5);
        assertThat(bytes(images.image(0))).containsExactly(1, 2, 3);
        assertThat(bytes(images.image(1))).containsExactly(4);
        assertThat(bytes(images.image(2))).containsExactly(5, 6);
        assertThat(images.length(3)).isZero();
        assertThat(images.length(4)).isZero();
        // a view of the batch memory, not a copy
        batch.get(EncodedImages.BYTES).buffer().put(0, (byte) 9);
        assertThat(images.image(0).get(0)).isEqualTo((byte) 9);
    }

    @Test
    void refusesOffsetsThatDoNotAddUp() {
        Map<String, Tensor> batch = new HashMap<>(EncodedImageBatchifier.INSTANCE.stack(List.of(new byte[4]), 1, new RecordingContext()));
        batch.put(EncodedImages.OFFSETS, offsets(0, 99));
        assertThatThrownBy(() -> EncodedImages.read(batch)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("Offset 1 of the encoded images is 99");
        batch.put(EncodedImages.OFFSETS, offsets(2, 4));
        assertThatThrownBy(() -> EncodedImages.read(batch)).hasMessageContaining("Offset 0 of the encoded images is 2");

        assertThatThrownBy(() -> EncodedImages.read(Map.of(EncodedImages.BYTES, Tensor.allocate(DataType.UINT8, 1, 4))))
                .hasMessageContaining("needs 'encoded_images.offsets'");
    }

    @Test
    void flagsTheRowsThatCouldNotBeDecoded() {
        Tensor flags = EncodedImages.undecodable(4, Set.of(1, 3, 7));

        assertThat(flags.shape()).containsExactly(4);
        byte[] values = new byte[4];
        flags.buffer().get(values);
        assertThat(values).containsExactly(0, 1, 0, 1);
    }

    private static Tensor offsets(long... values) {
        Tensor tensor = Tensor.allocate(DataType.INT64, values.length);
        tensor.buffer().asLongBuffer().put(values);
        return tensor;
    }

    private static byte[] bytes(ByteBuffer view) {
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return bytes;
    }

    /** Hands out dirty memory, as reused staging memory is, and remembers what it handed out. */
    private static final class RecordingContext implements ExecutionContext {
        final Map<String, Tensor> handedOut = new HashMap<>();

        @Override
        public Tensor allocateInput(String name, DataType dtype, long[] shape) {
            Tensor tensor = Tensor.allocate(dtype, shape);
            ByteBuffer dirty = tensor.buffer();
            while (dirty.hasRemaining()) {
                dirty.put((byte) 0x5A);
            }
            handedOut.put(name, tensor);
            return tensor;
        }

        @Override
        public Map<String, Tensor> infer(Map<String, Tensor> inputs) {
            throw new UnsupportedOperationException("stacking only");
        }

        @Override
        public void close() {}
    }
}
