package io.flinkinference.operators.engine;

import io.flinkinference.modelstore.manifest.DataType;

import java.util.Map;

/**
 * The execution context of an engine that is thread-safe as a whole and reads its inputs from
 * host memory where they lie (ONNX Runtime wraps direct buffers): it runs batches on the shared
 * engine and owns nothing but the {@link StagingBuffers} its batches are stacked into.
 */
public final class HostStagingContext implements ExecutionContext {
    private final InferenceEngine engine;
    private final StagingBuffers staging = new StagingBuffers();

    public HostStagingContext(InferenceEngine engine) {
        this.engine = engine;
    }

    /** A tensor in this context's reused staging memory; valid until the next call for the same input. */
    @Override
    public Tensor allocateInput(String name, DataType dtype, long[] shape) {
        return staging.tensor(name, dtype, shape);
    }

    @Override
    public Map<String, Tensor> infer(Map<String, Tensor> inputs) {
        return engine.infer(inputs);
    }

    /** Staging memory is direct buffers, which the garbage collector frees. */
    @Override
    public void close() {}
}
