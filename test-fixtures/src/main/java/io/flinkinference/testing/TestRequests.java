package io.flinkinference.testing;

import io.flinkinference.operators.InferenceRequest;

import io.flinkinference.samples.TextLineImages;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;

/** Requests for the orientation classifier: rendered PNG lines and raw float tensors. */
public final class TestRequests {
    private TestRequests() {}

    /** A text line rendered deterministically from {@code index}; odd indices are upside down. */
    public static InferenceRequest textLine(long index) {
        TextLineImages.Sample sample = new TextLineImages(index * 7919 + 17).sample(index % 2 == 1);
        return InferenceRequest.image("line-" + index, sample.png(), System.currentTimeMillis())
                .withMetadata(Map.of("truth", sample.orientationLabel()));
    }

    /** A float32 tensor request of shape [1, 3, 48, width] with values that vary by index. */
    public static InferenceRequest tensor(String id, int width) {
        long[] shape = {1, 3, 48, width};
        ByteBuffer bytes = ByteBuffer.allocate(3 * 48 * width * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 3 * 48 * width; i++) {
            bytes.putFloat(((i * 31 + id.hashCode()) % 200) / 100f - 1f);
        }
        return InferenceRequest.tensor(id, bytes.array(), shape, System.currentTimeMillis());
    }
}
