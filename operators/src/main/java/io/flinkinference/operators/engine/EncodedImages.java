package io.flinkinference.operators.engine;

import io.flinkinference.modelstore.manifest.DataType;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;

/**
 * How encoded images (JPEG, PNG, ...) travel to an engine that decodes and preprocesses them
 * itself ({@link EngineCapability#DECODES_IMAGES}), as bytes rather than floats.
 *
 * <p>Images differ in length, so they do not stack like tensors. A batch carries all of them back
 * to back in {@link #BYTES}, uint8 [1, total], and where each starts in {@link #OFFSETS}, int64
 * [rows + 1]: row {@code i} is bytes {@code [offsets[i], offsets[i + 1])}, so a padding row is
 * empty. The batcher writes both into the execution context's staging memory
 * ({@code EncodedImageBatchifier}), and the engine reads the images there, in place
 * ({@link #read}). The engine adds {@link #UNDECODABLE}, uint8 [rows], to its outputs: 1 for an
 * image that could not be decoded, whose other outputs are meaningless.
 */
public final class EncodedImages {
    public static final String BYTES = "encoded_images";
    public static final String OFFSETS = "encoded_images.offsets";
    public static final String UNDECODABLE = "encoded_images.undecodable";

    private EncodedImages() {}

    /** Whether a batch's inputs are encoded images. */
    public static boolean in(Map<String, Tensor> inputs) {
        return inputs.containsKey(BYTES);
    }

    /**
     * The images of a batch, checked: offsets that start at 0, never decrease and end within the bytes.
     *
     * @throws InvalidInputException when the batch is not one of encoded images or its offsets do not add up
     */
    public static Batch read(Map<String, Tensor> inputs) {
        Tensor bytes = inputs.get(BYTES);
        Tensor offsets = inputs.get(OFFSETS);
        if (bytes == null || bytes.dtype() != DataType.UINT8 || bytes.rank() != 2 || bytes.dim(0) != 1) {
            throw new InvalidInputException("A batch of encoded images needs '" + BYTES + "', uint8 [1, total]");
        }
        if (offsets == null || offsets.dtype() != DataType.INT64 || offsets.rank() != 1 || offsets.dim(0) < 1) {
            throw new InvalidInputException("A batch of encoded images needs '" + OFFSETS + "', int64 [rows + 1]");
        }
        long[] starts = new long[(int) offsets.dim(0)];
        offsets.buffer().asLongBuffer().get(starts);
        long total = bytes.dim(1);
        for (int i = 0; i < starts.length; i++) {
            long previous = i == 0 ? 0 : starts[i - 1];
            if ((i == 0 && starts[0] != 0) || starts[i] < previous || starts[i] > total) {
                throw new InvalidInputException("Offset " + i + " of the encoded images is " + starts[i] + "; offsets must start "
                        + "at 0, never decrease and end within the " + total + " bytes");
            }
        }
        return new Batch(bytes, starts);
    }

    /** The {@link #UNDECODABLE} output for {@code rows} rows, 1 where {@code failed} says so. */
    public static Tensor undecodable(int rows, Set<Integer> failed) {
        Tensor flags = Tensor.allocate(DataType.UINT8, rows);
        for (int row : failed) {
            if (row < rows) {
                flags.buffer().put(row, (byte) 1);
            }
        }
        return flags;
    }

    /**
     * A checked batch of encoded images over the batch's own memory.
     *
     * @param bytes the {@link #BYTES} tensor
     * @param offsets where each row starts, and after the last row where the bytes end
     */
    public record Batch(Tensor bytes, long[] offsets) {
        public int rows() {
            return offsets.length - 1;
        }

        public long offset(int row) {
            return offsets[row];
        }

        public int length(int row) {
            return (int) (offsets[row + 1] - offsets[row]);
        }

        /** Row {@code row}'s image as a view of the batch bytes, not a copy; empty for a padding row. */
        public ByteBuffer image(int row) {
            return bytes.buffer().slice((int) offsets[row], length(row));
        }
    }
}
