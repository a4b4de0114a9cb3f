package io.flinkinference.operators;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One record to run through a model: an encoded image (JPEG, PNG, anything ImageIO reads) or a
 * ready float32 tensor. {@code metadata} travels unchanged to the result or the failure (the Kafka
 * job keeps topic, partition and offset there).
 *
 * <p>A record, which Flink 2.2 serializes with its own POJO serializer (through the canonical
 * constructor), not Kryo. {@code metadata} is an unmodifiable copy, never null. {@code payload} and
 * {@code shape} are kept as given, not copied (payloads are whole images): do not change them
 * afterwards. Two requests are equal when all their components are, arrays by content.
 *
 * @param payload the encoded image, or little-endian float32 values laid out as {@code shape}
 * @param shape the tensor's shape (batch dimension 1); null for images
 */
public record InferenceRequest(String id, Encoding encoding, byte[] payload, long[] shape, long eventTimeMillis,
        Map<String, String> metadata) {

    /** How {@link #payload} is encoded. */
    public enum Encoding {
        /** An encoded image; decoded with ImageIO and preprocessed as the model's manifest says. */
        IMAGE,
        /** Little-endian float32 values of one record, laid out as {@link #shape} (batch dimension 1). */
        TENSOR_FLOAT32
    }

    public InferenceRequest {
        // A HashMap copy rather than Map.copyOf: header values may be null.
        metadata = metadata == null || metadata.isEmpty() ? Map.of() : Collections.unmodifiableMap(new HashMap<>(metadata));
    }

    public static InferenceRequest image(String id, byte[] encodedImage, long eventTimeMillis) {
        return new InferenceRequest(id, Encoding.IMAGE, encodedImage, null, eventTimeMillis, Map.of());
    }

    public static InferenceRequest tensor(String id, byte[] littleEndianFloats, long[] shape, long eventTimeMillis) {
        return new InferenceRequest(id, Encoding.TENSOR_FLOAT32, littleEndianFloats, shape, eventTimeMillis, Map.of());
    }

    /** This request with {@code metadata} in place of its own. */
    public InferenceRequest withMetadata(Map<String, String> metadata) {
        return new InferenceRequest(id, encoding, payload, shape, eventTimeMillis, metadata);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InferenceRequest other
                && eventTimeMillis == other.eventTimeMillis
                && Objects.equals(id, other.id)
                && encoding == other.encoding
                && Arrays.equals(payload, other.payload)
                && Arrays.equals(shape, other.shape)
                && metadata.equals(other.metadata);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, encoding, Arrays.hashCode(payload), Arrays.hashCode(shape), eventTimeMillis, metadata);
    }

    @Override
    public String toString() {
        return "InferenceRequest(" + id + ", " + encoding + ", " + (payload == null ? 0 : payload.length) + " bytes)";
    }
}
