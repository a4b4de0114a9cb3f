package io.flinkinference.engine.tensorrt.gpu.preprocess;

import io.flinkinference.modelstore.manifest.Preprocessing;
import io.flinkinference.modelstore.manifest.Preprocessing.ChannelOrder;
import io.flinkinference.modelstore.manifest.Preprocessing.Layout;
import io.flinkinference.modelstore.manifest.Preprocessing.ResizeMode;
import io.flinkinference.engine.tensorrt.gpu.Cuda;
import io.flinkinference.engine.tensorrt.gpu.GpuTests;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** The NVRTC-compiled kernel against its Java reference, on random images of random sizes (GPU machines only). */
class PreprocessKernelTest {
    @Test
    void matchesTheJavaReferenceInEveryModeOrderAndLayout() {
        assumeFalse(GpuTests.unavailableReason().isPresent(), () -> GpuTests.unavailableReason().orElse(""));
        Cuda.use(0);
        PreprocessKernel kernel = PreprocessKernel.on(0);
        SplittableRandom random = new SplittableRandom();
        for (ResizeMode mode : ResizeMode.values()) {
            for (ChannelOrder order : ChannelOrder.values()) {
                for (Layout layout : Layout.values()) {
                    int channels = order == ChannelOrder.GRAY ? 1 : 3;
                    Preprocessing spec = new Preprocessing(8 + random.nextInt(60), 8 + random.nextInt(200), layout, order,
                            1 / 255.0, List.of(0.485, 0.456, 0.406).subList(0, channels),
                            List.of(0.229, 0.224, 0.225).subList(0, channels), mode);
                    assertThat(KernelVerification.maxDifference(kernel, spec, 6, random)).as("%s", spec).isLessThanOrEqualTo(1e-5);
                }
            }
        }
    }
}
