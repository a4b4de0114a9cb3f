package io.flinkinference.operators.engine;

import io.flinkinference.modelstore.manifest.DataType;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How encoded images (JPEG, PNG, ...) travel to an engine that decodes and preprocesses them
 * itself ({@link InferenceEngine#decodesImages()}), as bytes rather than floats.
 *
 * <p>Images differ in length, so they do not stack like tensors. A record carries its image as
 * {@link #BYTES}, uint8 of shape [1, length]; a batch carries all of them back to back in
 * {@link #BYTES}, uint8 [1, total], with each row's length in {@link #LENGTHS}, int64 [rows]. A
 * padding row has length 0. The engine adds {@link #UNDECODABLE}, uint8 [rows], to its outputs:
 * 1 for an image that could not be decoded, whose other outputs are meaningless.
 */
public final class EncodedImages {
    public static final String BYTES = "encoded_images";
    public static final String LENGTHS = "encoded_images.lengths";
    public static final String UNDECODABLE = "encoded_images.undecodable";

    private EncodedImages() {}

    /** One record's input. */
    public static Map<String, Tensor> record(byte[] image) {
        Tensor bytes = Tensor.allocate(DataType.UINT8, 1, image.length);
        bytes.buffer().put(image);
        return Map.of(BYTES, bytes);
    }

    /** Whether a record's or batch's inputs are encoded images. */
    public static boolean in(Map<String, Tensor> inputs) {
        return inputs.containsKey(BYTES);
    }

    /** The batch input of {@code records}, padded with empty rows up to {@code rows}. */
    public static Map<String, Tensor> stack(List<Map<String, Tensor>> records, int rows) {
        long total = 0;
        for (Map<String, Tensor> record : records) {
            total += record.get(BYTES).elementCount();
        }
        Tensor bytes = Tensor.allocate(DataType.UINT8, 1, total);
        Tensor lengths = Tensor.allocate(DataType.INT64, rows);
        ByteBuffer out = bytes.buffer();
        for (int row = 0; row < records.size(); row++) {
            Tensor image = records.get(row).get(BYTES);
            out.put(image.buffer());
            lengths.buffer().putLong(row * Long.BYTES, image.elementCount());
        }
        Map<String, Tensor> batch = new LinkedHashMap<>();
        batch.put(BYTES, bytes);
        batch.put(LENGTHS, lengths);
        return batch;
    }

    /** The images of a batch, in row order; padding rows are empty arrays. */
    public static List<byte[]> unstack(Map<String, Tensor> batch) {
        Tensor lengths = batch.get(LENGTHS);
        if (lengths == null || lengths.dtype() != DataType.INT64 || lengths.rank() != 1) {
            throw new InvalidInputException("A batch of encoded images needs '" + LENGTHS + "', int64 [rows]");
        }
        ByteBuffer bytes = batch.get(BYTES).buffer();
        ByteBuffer sizes = lengths.buffer();
        List<byte[]> images = new ArrayList<>((int) lengths.dim(0));
        for (int row = 0; row < lengths.dim(0); row++) {
            long length = sizes.getLong(row * Long.BYTES);
            if (length < 0 || length > bytes.remaining()) {
                throw new InvalidInputException("Row " + row + " of the encoded images claims " + length + " bytes; "
                        + bytes.remaining() + " are left");
            }
            byte[] image = new byte[(int) length];
            bytes.get(image);
            images.add(image);
        }
        return images;
    }

    /** The {@link #UNDECODABLE} output for {@code rows} rows, 1 where {@code failed} says so. */
    public static Tensor undecodable(int rows, java.util.Set<Integer> failed) {
        Tensor flags = Tensor.allocate(DataType.UINT8, rows);
        for (int row : failed) {
            if (row < rows) {
                flags.buffer().put(row, (byte) 1);
            }
        }
        return flags;
    }
}
