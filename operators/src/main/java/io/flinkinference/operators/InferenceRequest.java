package io.flinkinference.operators;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One record to run through a model: an encoded image (JPEG, PNG, anything ImageIO reads) or a
 * ready float32 tensor. A Flink POJO; {@code metadata} travels unchanged to the result or the
 * failure (the Kafka job keeps topic, partition and offset there).
 */
public class InferenceRequest {
    /** How {@link #payload} is encoded. */
    public enum Encoding {
        /** An encoded image; decoded with ImageIO and preprocessed as the model's manifest says. */
        IMAGE,
        /** Little-endian float32 values of one record, laid out as {@link #shape} (batch dimension 1). */
        TENSOR_FLOAT32
    }

    private String id;
    private Encoding encoding;
    private byte[] payload;
    private long[] shape;
    private long eventTimeMillis;
    private Map<String, String> metadata = new HashMap<>();

    public InferenceRequest() {}

    public static InferenceRequest image(String id, byte[] encodedImage, long eventTimeMillis) {
        InferenceRequest request = new InferenceRequest();
        request.id = id;
        request.encoding = Encoding.IMAGE;
        request.payload = encodedImage;
        request.eventTimeMillis = eventTimeMillis;
        return request;
    }

    public static InferenceRequest tensor(String id, byte[] littleEndianFloats, long[] shape, long eventTimeMillis) {
        InferenceRequest request = new InferenceRequest();
        request.id = id;
        request.encoding = Encoding.TENSOR_FLOAT32;
        request.payload = littleEndianFloats;
        request.shape = shape;
        request.eventTimeMillis = eventTimeMillis;
        return request;
    }

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public Encoding getEncoding() {
        return encoding;
    }

    public void setEncoding(Encoding encoding) {
        this.encoding = encoding;
    }

    public byte[] getPayload() {
        return payload;
    }

    public void setPayload(byte[] payload) {
        this.payload = payload;
    }

    public long[] getShape() {
        return shape;
    }

    public void setShape(long[] shape) {
        this.shape = shape;
    }

    public long getEventTimeMillis() {
        return eventTimeMillis;
    }

    public void setEventTimeMillis(long eventTimeMillis) {
        this.eventTimeMillis = eventTimeMillis;
    }

    public Map<String, String> getMetadata() {
        return metadata;
    }

    public void setMetadata(Map<String, String> metadata) {
        this.metadata = metadata;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InferenceRequest other && Objects.equals(id, other.id);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(id);
    }

    @Override
    public String toString() {
        return "InferenceRequest(" + id + ", " + encoding + ", " + (payload == null ? 0 : payload.length) + " bytes)";
    }
}
