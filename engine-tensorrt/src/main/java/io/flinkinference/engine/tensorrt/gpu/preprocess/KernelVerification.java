package io.flinkinference.engine.tensorrt.gpu.preprocess;

import io.flinkinference.operators.image.ImageGeometry;
import io.flinkinference.operators.image.PreprocessReference;

import io.flinkinference.modelstore.manifest.Preprocessing;
import io.flinkinference.engine.tensorrt.gpu.Cuda;
import io.flinkinference.engine.tensorrt.gpu.CudaStream;
import io.flinkinference.engine.tensorrt.gpu.DeviceMemory;
import io.flinkinference.engine.tensorrt.gpu.PinnedMemory;
import org.bytedeco.cuda.global.cudart;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Runs the kernel and {@link PreprocessReference} on the same random images of random sizes and
 * reports how far apart they are. The output is poisoned with NaN first, so a value the kernel
 * fails to write counts as an infinite difference. Used by the GPU tests and {@code gpu-check}.
 */
public final class KernelVerification {
    private KernelVerification() {}

    /** The largest absolute difference between kernel and reference over {@code count} random images of random sizes. */
    public static double maxDifference(PreprocessKernel kernel, Preprocessing spec, int count, SplittableRandom random) {
        List<ImageGeometry> sizes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sizes.add(ImageGeometry.of(spec, 1 + random.nextInt(300), 1 + random.nextInt(300)));
        }
        return maxDifference(kernel, spec, sizes, random);
    }

    /** The largest absolute difference between kernel and reference over random images of the given geometries. */
    public static double maxDifference(PreprocessKernel kernel, Preprocessing spec, List<ImageGeometry> sizes,
            SplittableRandom random) {
        int count = sizes.size();
        List<byte[]> images = new ArrayList<>();
        for (ImageGeometry size : sizes) {
            byte[] rgb = new byte[(int) size.rgbBytes()];
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
            layout.writeDescriptors(in.position((int) layout.descriptorOffset()).slice());
            stream.copyToDevice(deviceIn.pointer(), hostIn.pointer(), layout.bufferBytes());
            // 0xFF bytes are NaN floats: a value the kernel does not write stays NaN.
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
