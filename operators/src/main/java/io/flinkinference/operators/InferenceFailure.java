package io.flinkinference.operators;

import java.util.HashMap;
import java.util.Map;

/**
 * A record the function could not turn into a result, with the stage and the reason; it goes to
 * the failure side output (the dead-letter topic in the Kafka job) and the job goes on. The
 * original payload is kept so that nothing is lost. A Flink POJO.
 */
public class InferenceFailure {
    /** Where a record failed. */
    public enum Stage {
        /** The record could not be read from its source (for example a message that is not valid Avro). */
        DESERIALIZE,
        /** The payload is not an image or tensor that can be read. */
        DECODE,
        /** The decoded input does not fit the model (shape, dtype, size). */
        PREPROCESS,
        /** The record was not answered within the configured timeout. */
        TIMEOUT,
        /** The model's output could not be turned into a result. */
        POSTPROCESS
    }

    private String id;
    private Stage stage;
    private String errorClass;
    private String reason;
    private byte[] payload;
    private long eventTimeMillis;
    private Map<String, String> metadata = new HashMap<>();

    public InferenceFailure() {}

    public static InferenceFailure of(InferenceRequest request, Stage stage, Throwable error) {
        InferenceFailure failure = new InferenceFailure();
        failure.id = request.getId();
        failure.stage = stage;
        failure.errorClass = error.getClass().getName();
        failure.reason = error.getMessage() != null ? error.getMessage() : error.getClass().getSimpleName();
        failure.payload = request.getPayload();
        failure.eventTimeMillis = request.getEventTimeMillis();
        failure.metadata = request.getMetadata() == null ? new HashMap<>() : new HashMap<>(request.getMetadata());
        return failure;
    }

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public Stage getStage() {
        return stage;
    }

    public void setStage(Stage stage) {
        this.stage = stage;
    }

    public String getErrorClass() {
        return errorClass;
    }

    public void setErrorClass(String errorClass) {
        this.errorClass = errorClass;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    public byte[] getPayload() {
        return payload;
    }

    public void setPayload(byte[] payload) {
        this.payload = payload;
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
    public String toString() {
        return "InferenceFailure(" + id + ", " + stage + ": " + reason + ")";
    }
}
