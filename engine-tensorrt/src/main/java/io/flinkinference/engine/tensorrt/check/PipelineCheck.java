package io.flinkinference.engine.tensorrt.check;

import io.flinkinference.modelstore.manifest.DataType;
import io.flinkinference.modelstore.manifest.Preprocessing;
import io.flinkinference.operators.engine.Tensor;
import io.flinkinference.engine.tensorrt.gpu.CudaStream;
import io.flinkinference.engine.tensorrt.gpu.GpuImagePipeline;
import io.flinkinference.engine.tensorrt.gpu.PinnedMemory;
import io.flinkinference.engine.tensorrt.gpu.jpeg.NvJpegDecoder.Backend;
import io.flinkinference.engine.tensorrt.gpu.jpeg.RgbPixels;
import io.flinkinference.operators.image.ImageGeometry;
import io.flinkinference.operators.image.PreprocessReference;
import io.flinkinference.operators.translate.ImagePreprocessor;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * Step 3b: the whole image path on the GPU (JPEG bytes in, the classifier's float input out)
 * against the CPU path the project uses without a GPU (ImageIO decode, Java2D resize and
 * normalization) on all cores.
 */
final class PipelineCheck {
    /** Normalized values differ by decode differences only: 3 levels / 255 / std 0.229 is about 0.05. */
    private static final double MAX_MEAN_DIFFERENCE = 0.05;

    private PipelineCheck() {}

    static void run(CheckReport report, int device, Path samples) throws IOException {
        Preprocessing spec = PreprocessCheck.CLASSIFIER_224;
        List<byte[]> images = SampleFolders.read(samples.resolve("batch640"));
        try (CudaStream stream = new CudaStream(); GpuImagePipeline pipeline = new GpuImagePipeline(device, spec, Backend.HARDWARE)) {
            long values = pipeline.valuesPerImage() * images.size();
            try (PinnedMemory host = PinnedMemory.allocate(4 * values)) {
                stream.copyToHost(host.pointer(), pipeline.process(images, stream).input().pointer(), 4 * values);
                stream.complete();
                FloatBuffer gpu = host.buffer().asFloatBuffer();
                FloatBuffer expected = FloatBuffer.allocate((int) values);
                PreprocessReference reference = new PreprocessReference(spec);
                for (int i = 0; i < images.size(); i++) {
                    BufferedImage decoded = JpegCheck.imageIo(images.get(i));
                    reference.apply(RgbPixels.of(decoded), ImageGeometry.of(spec, decoded.getHeight(), decoded.getWidth()),
                            expected, i);
                }
                double sum = 0;
                for (int i = 0; i < values; i++) {
                    sum += Math.abs(expected.get(i) - gpu.get(i));
                }
                double mean = sum / values;
                report.check("GPU JPEG -> 224x224 input vs ImageIO + Java reference", mean <= MAX_MEAN_DIFFERENCE,
                        String.format("mean abs difference %.4f over %d images (limit %.2f: decoders differ, kernel is exact)",
                                mean, images.size(), MAX_MEAN_DIFFERENCE));
            }
            double gpuRate = images.size() / MemoryCheck.median(5, () -> MemoryCheck.timeSeconds(() -> {
                pipeline.process(images, stream);
                stream.complete();
            }));
            ImagePreprocessor cpu = new ImagePreprocessor(spec);
            double cpuRate = JpegCheck.cpuRate(images, bytes -> cpu.write(JpegCheck.imageIo(bytes),
                    Tensor.allocate(DataType.FLOAT32, cpu.inputShape(1)).floats(), 0));
            report.figure(String.format("JPEG 640x480 -> 224x224 input, GPU (%s) vs CPU", pipeline.backend().name().toLowerCase()),
                    gpuRate / cpuRate, 5.0, String.format("%.1f k img/s vs ImageIO + Java2D on %d cores %.1f k img/s",
                            gpuRate / 1e3, JpegCheck.cores(), cpuRate / 1e3));
        }
    }
}
