package io.flinkinference.operators;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the model said about one {@link InferenceRequest}: the top-k labels, the CTC-decoded text
 * or raw output tensors (as the manifest's postprocessing says), and where the time went.
 *
 * <p>A record, serialized by Flink's POJO serializer (not Kryo). {@code labels}, {@code tensors}
 * and {@code metadata} are unmodifiable and never null (empty when the postprocessing gives none);
 * {@link RawTensor} compares its arrays by content, so equal results are equal.
 *
 * @param text the CTC-decoded text, or null when the model's postprocessing is not CTC
 * @param queueMicros time the record waited in the batcher before its batch was cut
 * @param inferenceMicros time the engine took for the whole batch the record was in
 * @param batchSize how many records the batch held (before padding)
 */
public record InferenceResult(String id, String model, int modelVersion, String engine, List<Label> labels,
        String text, List<RawTensor> tensors, long eventTimeMillis, long queueMicros, long inferenceMicros,
        int batchSize, Map<String, String> metadata) {

    public InferenceResult {
        labels = labels == null ? List.of() : List.copyOf(labels);
        tensors = tensors == null ? List.of() : List.copyOf(tensors);
        metadata = metadata == null || metadata.isEmpty() ? Map.of() : Collections.unmodifiableMap(new HashMap<>(metadata));
    }

    /** One class and its score. */
    public record Label(String label, int index, float score) {
        @Override
        public String toString() {
            return label + "=" + score;
        }
    }

    /**
     * One output tensor of one record, as float32 values. The arrays are kept as given, not copied;
     * equality compares them by content.
     */
    public record RawTensor(String name, long[] shape, float[] values) {
        @Override
        public boolean equals(Object o) {
            return o instanceof RawTensor other
                    && Objects.equals(name, other.name)
                    && Arrays.equals(shape, other.shape)
                    && Arrays.equals(values, other.values);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, Arrays.hashCode(shape), Arrays.hashCode(values));
        }

        @Override
        public String toString() {
            return name + Arrays.toString(shape);
        }
    }

    /** The best label, or null when the model's postprocessing is not top-k. */
    public String topLabel() {
        return labels.isEmpty() ? null : labels.get(0).label();
    }

    @Override
    public String toString() {
        return "InferenceResult(" + id + ", " + model + ":" + modelVersion + ", "
                + (text != null ? "'" + text + "'" : labels) + ", batch " + batchSize + ")";
    }
}
