package io.flinkinference.operators;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A record the function could not turn into a result, with the stage and the reason; it goes to
 * the failure side output (the dead-letter topic in the Kafka job) and the job goes on. The
 * original payload is kept so that nothing is lost.
 *
 * <p>A record, serialized by Flink's POJO serializer (not Kryo). As in {@link InferenceRequest},
 * {@code metadata} is an unmodifiable copy, never null, {@code payload} is shared, not copied, and
 * equality compares the payload by content.
 *
 * @param errorClass the class name of the error that stopped the record
 */
public record InferenceFailure(String id, Stage stage, String errorClass, String reason, byte[] payload,
        long eventTimeMillis, Map<String, String> metadata) {

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

    public InferenceFailure {
        metadata = metadata == null || metadata.isEmpty() ? Map.of() : Collections.unmodifiableMap(new HashMap<>(metadata));
    }

    public static InferenceFailure of(InferenceRequest request, Stage stage, Throwable error) {
        return new InferenceFailure(request.id(), stage, error.getClass().getName(),
                error.getMessage() != null ? error.getMessage() : error.getClass().getSimpleName(),
                request.payload(), request.eventTimeMillis(), request.metadata());
    }

    /** This failure reported as caused by an error of class {@code errorClass}. */
    public InferenceFailure withErrorClass(String errorClass) {
        return new InferenceFailure(id, stage, errorClass, reason, payload, eventTimeMillis, metadata);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InferenceFailure other
                && eventTimeMillis == other.eventTimeMillis
                && Objects.equals(id, other.id)
                && stage == other.stage
                && Objects.equals(errorClass, other.errorClass)
                && Objects.equals(reason, other.reason)
                && Arrays.equals(payload, other.payload)
                && metadata.equals(other.metadata);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, stage, errorClass, reason, Arrays.hashCode(payload), eventTimeMillis, metadata);
    }

    @Override
    public String toString() {
        return "InferenceFailure(" + id + ", " + stage + ": " + reason + ")";
    }
}
