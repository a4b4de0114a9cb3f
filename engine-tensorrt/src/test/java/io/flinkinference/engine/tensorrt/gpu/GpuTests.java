package io.flinkinference.engine.tensorrt.gpu;

import java.util.Optional;

/** Whether this machine can run the GPU tests, and if not, why (for the skip message). */
public final class GpuTests {
    private GpuTests() {}

    /** Empty when an NVIDIA GPU with CUDA is usable here; otherwise the reason it is not. */
    public static Optional<String> unavailableReason() {
        try {
            Cuda.deviceCount();
            return Optional.empty();
        } catch (GpuUnavailableException e) {
            return Optional.of("no usable NVIDIA GPU here, so this GPU test cannot run: " + e.getMessage());
        }
    }
}
