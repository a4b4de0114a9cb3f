package io.flinkinference.operators.batching;

import io.flinkinference.modelstore.manifest.DataType;
import io.flinkinference.operators.engine.EncodedImages;
import io.flinkinference.operators.engine.ExecutionContext;
import io.flinkinference.operators.engine.Tensor;

import java.nio.ByteBuffer;
import java.nio.LongBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Encoded images, for engines that decode them ({@link io.flinkinference.operators.engine.EngineCapability#DECODES_IMAGES}):
 * a record is its image's bytes as the request carries them, uncopied; a batch is those bytes back
 * to back plus offsets ({@link EncodedImages}), written straight into the execution context's
 * staging memory, which for TensorRT is the pinned memory nvJPEG reads. So each image is copied
 * once on the host. Images of every length and format batch together.
 */
public enum EncodedImageBatchifier implements Batchifier<byte[]> {
    INSTANCE;

    private static final Object ANY_IMAGE = "encoded image";

    @Override
    public Object bucketKey(byte[] image) {
        return ANY_IMAGE;
    }

    @Override
    public Map<String, Tensor> stack(List<byte[]> images, int rows, ExecutionContext context) {
        long total = 0;
        for (byte[] image : images) {
            total += image.length;
        }
        Tensor bytes = context.allocateInput(EncodedImages.BYTES, DataType.UINT8, new long[] {1, total});
        Tensor offsets = context.allocateInput(EncodedImages.OFFSETS, DataType.INT64, new long[] {rows + 1});
        ByteBuffer out = bytes.buffer();
        LongBuffer starts = offsets.buffer().asLongBuffer();
        starts.put(0);
        for (byte[] image : images) {
            out.put(image);
            starts.put(out.position());
        }
        while (starts.hasRemaining()) {
            starts.put(total); // padding rows are empty
        }
        Map<String, Tensor> batch = new LinkedHashMap<>();
        batch.put(EncodedImages.BYTES, bytes);
        batch.put(EncodedImages.OFFSETS, offsets);
        return batch;
    }
}
