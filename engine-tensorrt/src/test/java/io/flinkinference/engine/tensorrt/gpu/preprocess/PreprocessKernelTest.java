package io.flinkinference.engine.tensorrt.gpu.preprocess;

import io.flinkinference.modelstore.manifest.Preprocessing;
import io.flinkinference.modelstore.manifest.Preprocessing.ChannelOrder;
import io.flinkinference.modelstore.manifest.Preprocessing.Layout;
import io.flinkinference.modelstore.manifest.Preprocessing.ResizeMode;
import io.flinkinference.engine.tensorrt.gpu.Cuda;
import io.flinkinference.engine.tensorrt.gpu.GpuTests;
import io.flinkinference.operators.image.ImageGeometry;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
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
        SplittableRandom random = new SplittableRandom(20261201L);
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

    /**
     * The ImageNet recipe on the sizes photos come in (landscape, portrait, square, a margin that
     * rounds half to even, an image smaller than the crop, a thin strip) in one mixed batch.
     */
    @Test
    void centerCropMatchesTheJavaReferenceOnPhotoSizes() {
        assumeFalse(GpuTests.unavailableReason().isPresent(), () -> GpuTests.unavailableReason().orElse(""));
        Cuda.use(0);
        PreprocessKernel kernel = PreprocessKernel.on(0);
        SplittableRandom random = new SplittableRandom(224L);
        int[][] photos = {{480, 640}, {640, 480}, {500, 500}, {375, 500}, {500, 375}, {100, 150}, {37, 1000}, {1, 1}};
        for (Layout layout : Layout.values()) {
            for (Integer resizeShort : new Integer[] {null, 232, 224}) {
                Preprocessing spec = new Preprocessing(224, 224, layout, ChannelOrder.RGB, 1 / 255.0,
                        List.of(0.485, 0.456, 0.406), List.of(0.229, 0.224, 0.225), ResizeMode.SHORT_SIDE_CENTER_CROP, resizeShort);
                List<ImageGeometry> sizes = Arrays.stream(photos).map(hw -> ImageGeometry.of(spec, hw[0], hw[1])).toList();
                assertThat(KernelVerification.maxDifference(kernel, spec, sizes, random)).as("%s", spec).isLessThanOrEqualTo(1e-5);
            }
        }
    }
}
