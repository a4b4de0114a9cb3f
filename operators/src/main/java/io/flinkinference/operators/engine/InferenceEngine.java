package io.flinkinference.operators.engine;

import io.flinkinference.modelstore.manifest.TensorSpec;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A loaded model that runs batches of named tensors. Engines are opened by an {@link EngineProvider}
 * and shared per JVM through {@link SharedEngines}, so {@link #infer} must be safe to call from
 * several task threads at once; an engine that needs per-caller state (a TensorRT execution context
 * and CUDA stream) keeps a pool of it internally.
 *
 * <p>Inputs are checked against {@link #inputs()} and {@link #batchRange()} before they reach
 * native code ({@link TensorValidator}); a bad input is an {@link InvalidInputException}, a failure
 * of the runtime itself an {@link EngineException}.
 */
public interface InferenceEngine extends AutoCloseable {

    /** The provider's name, e.g. {@code onnxruntime}. */
    String engineName();

    /** Inputs the model declares; dynamic dimensions are -1. */
    List<TensorSpec> inputs();

    /** Outputs the model declares; dynamic dimensions are -1. */
    List<TensorSpec> outputs();

    /** What this engine can do beyond running tensors; none by default. */
    default Set<EngineCapability> capabilities() {
        return Set.of();
    }

    /** Batch sizes this engine accepts along the first dimension of every input. */
    BatchRange batchRange();

    /**
     * Runs one batch.
     *
     * @param inputs one tensor per declared input, by name, all with the same batch size
     * @return one tensor per declared output, by name, owned by the caller
     */
    Map<String, Tensor> infer(Map<String, Tensor> inputs);

    /**
     * A context for one caller (one in-flight batch). Engines whose runtime is thread-safe as a
     * whole, like ONNX Runtime, return a view of themselves that only owns reusable staging memory
     * ({@link HostStagingContext}); TensorRT returns a new execution context with its own CUDA stream.
     */
    default ExecutionContext newContext() {
        return new HostStagingContext(this);
    }

    /** Frees every native resource. Called once, by {@link SharedEngines} when the last user leaves. */
    @Override
    void close();
}
