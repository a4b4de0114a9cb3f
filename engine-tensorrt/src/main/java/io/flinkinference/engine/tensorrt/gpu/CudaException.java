package io.flinkinference.engine.tensorrt.gpu;

import io.flinkinference.operators.engine.EngineException;

/**
 * A CUDA call failed. The message names the call and CUDA's error name (e.g.
 * {@code cudaErrorMemoryAllocation}), so a task failure in Flink's UI says what went wrong on the
 * GPU without a native stack trace. As an {@link EngineException} it fails the task, and Flink
 * restarts it from the last checkpoint.
 */
public final class CudaException extends EngineException {
    private static final long serialVersionUID = 1L;

    private final String errorName;

    public CudaException(String call, String errorName, int code) {
        super(call + " failed: " + errorName + " (" + code + ")");
        this.errorName = errorName;
    }

    /** CUDA's name for the error, e.g. {@code cudaErrorInvalidValue}. */
    public String errorName() {
        return errorName;
    }
}
