package io.flinkinference.engine.tensorrt.gpu;

import io.flinkinference.operators.engine.EngineException;

/**
 * This machine cannot run GPU code: no NVIDIA driver, no visible GPU, or CUDA libraries missing.
 * The message says which, what to install, and that the {@code onnxruntime} engine runs on CPUs.
 */
public final class GpuUnavailableException extends EngineException {
    private static final long serialVersionUID = 1L;

    public GpuUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
