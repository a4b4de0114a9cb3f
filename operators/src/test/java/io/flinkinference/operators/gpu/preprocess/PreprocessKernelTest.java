package io.flinkinference.operators.gpu.preprocess;

import io.flinkinference.modelstore.manifest.Preprocessing;
import io.flinkinference.modelstore.manifest.Preprocessing.ChannelOrder;
import io.flinkinference.modelstore.manifest.Preprocessing.Layout;
import io.flinkinference.modelstore.manifest.Preprocessing.ResizeMode;
import io.flinkinference.operators.gpu.Cuda;
import io.flinkinference.operators.gpu.CudaStream;
import io.flinkinference.operators.gpu.DeviceMemory;
import io.flinkinference.operators.gpu.GpuTests;
import io.flinkinference.operators.gpu.PinnedMemory;
import org.bytedeco.cuda.global.cudart;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
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
                    assertThat(maxDifference(kernel, spec, random)).as("%s", spec).isLessThanOrEqualTo(1e-5);
                }
            }
        }
    }

    private static double maxDifference(PreprocessKernel kernel, Preprocessing spec, SplittableRandom random) {
        int count = 6;
        List<ImageGeometry> sizes = new ArrayList<>();
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int height = 1 + random.nextInt(200);
            int width = 1 + random.nextInt(200);
            sizes.add(ImageGeometry.of(spec, height, width));
            byte[] rgb = new byte[3 * height * width];
            random.nextBytes(rgb);
            images.add(rgb);
        }
        ImageBatchLayout layout = new ImageBatchLayout(sizes);
        PreprocessReference reference = new PreprocessReference(spec);
        long outputBytes = 4L * reference.valuesPerImage() * count;
        try (PinnedMemory hostIn = PinnedMemory.allocate(layout.bufferBytes());
                PinnedMemory hostOut = PinnedMemory.allocate(outputBytes);
                DeviceMemory deviceIn = DeviceMemory.allocate(layout.bufferBytes());
                DeviceMemory deviceOut = DeviceMemory.allocate(outputBytes);
                CudaStream stream = new CudaStream()) {
            ByteBuffer in = hostIn.buffer();
            for (int i = 0; i < count; i++) {
                in.position((int) layout.offset(i));
                in.put(images.get(i));
            }
            layout.writeDescriptors(in.position((int) layout.descriptorOffset()).slice(), spec.height());
            stream.copyToDevice(deviceIn.pointer(), hostIn.pointer(), layout.bufferBytes());
            Cuda.check(cudart.cudaMemsetAsync(deviceOut.pointer(), 0xFF, outputBytes, stream.handle()), "cudaMemsetAsync");
            kernel.launch(stream, spec, deviceIn.address(), deviceIn.address() + layout.descriptorOffset(), count,
                    deviceOut.address());
            Cuda.checkLaunch("resize_normalize");
            stream.copyToHost(hostOut.pointer(), deviceOut.pointer(), outputBytes);
            stream.complete();
            FloatBuffer expected = FloatBuffer.allocate(reference.valuesPerImage() * count);
            for (int i = 0; i < count; i++) {
                reference.apply(images.get(i), sizes.get(i), expected, i);
            }
            FloatBuffer actual = hostOut.buffer().asFloatBuffer();
            double worst = 0;
            for (int i = 0; i < expected.capacity(); i++) {
                double difference = Math.abs(expected.get(i) - actual.get(i));
                worst = Double.isNaN(difference) ? Double.POSITIVE_INFINITY : Math.max(worst, difference);
            }
            return worst;
        }
    }
}
