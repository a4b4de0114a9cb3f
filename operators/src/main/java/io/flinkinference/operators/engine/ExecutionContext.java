package io.flinkinference.operators.engine;

import java.util.Map;

/**
 * Per-caller state for running batches on a shared engine: for TensorRT an execution context and
 * its CUDA stream, for ONNX Runtime nothing. The batcher holds one per in-flight batch, and each
 * is used by one thread at a time.
 */
public interface ExecutionContext extends AutoCloseable {

    /** Runs one batch; see {@link InferenceEngine#infer}. */
    Map<String, Tensor> infer(Map<String, Tensor> inputs);

    @Override
    void close();
}
