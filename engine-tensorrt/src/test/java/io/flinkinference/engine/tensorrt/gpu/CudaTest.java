package io.flinkinference.engine.tensorrt.gpu;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Loading CUDA: where it is missing (CI, laptops) the failure must say what is missing and what to
 * use instead; where a GPU exists it must be described.
 */
class CudaTest {
    @Test
    void withoutCudaTheFailureSaysWhatIsMissingAndWhichEngineToUse() {
        assumeTrue(GpuTests.unavailableReason().isPresent(), "an NVIDIA GPU is usable here, so the failure cannot be seen");

        assertThatThrownBy(Cuda::deviceCount)
                .isInstanceOf(GpuUnavailableException.class)
                .hasMessageContaining("use the onnxruntime engine instead")
                .satisfies(e -> assertThat(e.getMessage()).containsAnyOf("libcuda.so.1", "No usable NVIDIA GPU"));
    }

    @Test
    void theMissingLibraryMessageNamesTheLibraryFromTheCauseChain() {
        UnsatisfiedLinkError error = new UnsatisfiedLinkError("no jnicudart in java.library.path");
        error.initCause(new UnsatisfiedLinkError("libcuda.so.1: cannot open shared object file"));

        assertThat(Cuda.missingLibraryMessage(error))
                .contains("no jnicudart in java.library.path")
                .contains("libcuda.so.1: cannot open shared object file")
                .contains("Install the NVIDIA driver")
                .contains("LD_LIBRARY_PATH");
    }

    @Test
    void describesTheGpuWhereOneExists() {
        assumeFalse(GpuTests.unavailableReason().isPresent(), () -> GpuTests.unavailableReason().orElse(""));

        assertThat(Cuda.deviceCount()).isPositive();
        Cuda.GpuInfo gpu = Cuda.describe(0);
        assertThat(gpu.computeCapability()).matches("\\d+\\.\\d");
        assertThat(gpu.memoryBytes()).isPositive();
    }

    @Test
    void aCudaErrorNamesTheCallAndTheError() {
        assumeFalse(GpuTests.unavailableReason().isPresent(), () -> GpuTests.unavailableReason().orElse(""));

        assertThatThrownBy(() -> Cuda.use(1_000))
                .isInstanceOf(CudaException.class)
                .hasMessageContaining("cudaSetDevice(1000) failed: cudaErrorInvalidDevice");
    }
}
