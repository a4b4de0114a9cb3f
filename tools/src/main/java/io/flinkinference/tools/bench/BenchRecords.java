package io.flinkinference.tools.bench;

import io.flinkinference.operators.InferenceRequest;
import org.apache.flink.api.common.functions.MapFunction;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * The records the function sweep sends: ready tensors (the synthetic inputs, as a job that
 * preprocesses upstream would send them) or encoded images (which the function decodes and
 * preprocesses itself, as the Kafka job's function does). Each carries the {@link System#nanoTime}
 * of its making, so that the sweep can time it to its result; the MiniCluster runs in this JVM.
 */
public final class BenchRecords implements MapFunction<Long, InferenceRequest>, Serializable {
    private static final long serialVersionUID = 1L;
    /** The metadata key of a record's making time; metadata travels unchanged to the result. */
    static final String MADE_NANOS = "bench.made-nanos";

    private final List<byte[]> payloads;
    private final long[] tensorShape;

    private BenchRecords(List<byte[]> payloads, long[] tensorShape) {
        if (payloads.isEmpty()) {
            throw new IllegalArgumentException("No payloads to send.");
        }
        this.payloads = List.copyOf(payloads);
        this.tensorShape = tensorShape;
    }

    /** Little-endian float32 records of {@code shape} (batch dimension 1), cycled through. */
    public static BenchRecords tensors(List<byte[]> payloads, long[] shape) {
        return new BenchRecords(payloads, shape.clone());
    }

    /** Encoded images, cycled through. */
    public static BenchRecords images(List<byte[]> encoded) {
        return new BenchRecords(encoded, null);
    }

    public String kind() {
        return tensorShape == null ? "image" : "tensor";
    }

    @Override
    public InferenceRequest map(Long index) {
        byte[] payload = payloads.get((int) (index % payloads.size()));
        String id = "bench-" + index;
        InferenceRequest request = tensorShape == null ? InferenceRequest.image(id, payload, 0L)
                : InferenceRequest.tensor(id, payload, tensorShape, 0L);
        return request.withMetadata(Map.of(MADE_NANOS, Long.toString(System.nanoTime())));
    }
}
