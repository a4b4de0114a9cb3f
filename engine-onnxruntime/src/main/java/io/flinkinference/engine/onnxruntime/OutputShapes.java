package io.flinkinference.engine.onnxruntime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The shapes of a session's outputs as far as the graph fixes them, so that the engine can hand
 * ONNX Runtime output memory before a batch runs. Like the rest of the pipeline (the batcher slices
 * every output by its first dimension), it takes a dynamic first dimension to be the batch; that is
 * a guess (exporters such as paddle2onnx name the output's batch dimension apart from the input's),
 * so the engine falls back to ONNX Runtime's own allocation for an output where it proves wrong. An
 * output with any other dynamic dimension (the recognizer's sequence length, the detector's map
 * size), or with no shape at all (rank 0: ONNX Runtime could not infer one), has no shape until ONNX
 * Runtime has run the batch.
 */
final class OutputShapes {
    private final Map<String, long[]> declared;
    private final Map<String, OnnxJavaType> types;
    private final List<String> names;

    private OutputShapes(Map<String, long[]> declared, Map<String, OnnxJavaType> types) {
        this.declared = declared;
        this.types = types;
        this.names = List.copyOf(declared.keySet());
    }

    /** The graph's tensor outputs, in the graph's order. */
    static OutputShapes of(Map<String, NodeInfo> outputInfo) {
        Map<String, long[]> declared = new LinkedHashMap<>();
        Map<String, OnnxJavaType> types = new LinkedHashMap<>();
        for (Map.Entry<String, NodeInfo> output : outputInfo.entrySet()) {
            if (output.getValue().getInfo() instanceof TensorInfo info) {
                declared.put(output.getKey(), info.getShape());
                types.put(output.getKey(), info.type);
            }
        }
        return new OutputShapes(declared, types);
    }

    List<String> names() {
        return names;
    }

    OnnxJavaType type(String output) {
        return types.get(output);
    }

    /** The output's shape for a batch of {@code batchSize} rows, or empty when only running the batch tells. */
    Optional<long[]> forBatch(String output, long batchSize) {
        long[] shape = declared.get(output);
        if (shape == null || shape.length == 0) {
            return Optional.empty();
        }
        long[] resolved = shape.clone();
        if (resolved[0] < 0) {
            resolved[0] = batchSize;
        }
        return Arrays.stream(resolved).allMatch(dim -> dim >= 0) ? Optional.of(resolved) : Optional.empty();
    }
}
