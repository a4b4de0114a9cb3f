package io.flinkinference.engine.tensorrt.gpu.jpeg;

import io.flinkinference.samples.ImageFiles;

import io.flinkinference.engine.tensorrt.gpu.Cuda;
import io.flinkinference.engine.tensorrt.gpu.CudaStream;
import io.flinkinference.engine.tensorrt.gpu.GpuTests;
import io.flinkinference.engine.tensorrt.gpu.PinnedMemory;
import io.flinkinference.engine.tensorrt.gpu.jpeg.NvJpegDecoder.Backend;
import io.flinkinference.engine.tensorrt.gpu.jpeg.NvJpegDecoder.DecodedImages;
import io.flinkinference.operators.image.ImageGeometry;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** nvJPEG against ImageIO on the same files, with a PNG for the CPU fallback (GPU machines only). */
class NvJpegDecoderTest {
    @Test
    void decodesJpegsOnTheGpuAndOtherFormatsOnTheCpuIntoOneBuffer() throws Exception {
        assumeFalse(GpuTests.unavailableReason().isPresent(), () -> GpuTests.unavailableReason().orElse(""));
        Cuda.use(0);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(picture(50, 70), "png", png);
        List<byte[]> images = List.of(ImageFiles.jpeg(picture(120, 160), false), png.toByteArray(),
                ImageFiles.jpeg(picture(33, 65), true), ImageFiles.jpeg(picture(224, 224), false));

        for (Backend backend : List.of(Backend.HARDWARE, Backend.GPU_HYBRID)) {
            try (CudaStream stream = new CudaStream(); NvJpegDecoder decoder = NvJpegDecoder.open(0, backend)) {
                DecodedImages decoded = decoder.decode(images, ImageGeometry::unresized, stream);
                try (PinnedMemory host = PinnedMemory.allocate(decoded.layout().totalBytes())) {
                    stream.copyToHost(host.pointer(), decoded.rgb().pointer(), decoded.layout().totalBytes());
                    stream.complete();
                    ByteBuffer all = host.buffer();
                    long sum = 0;
                    long count = 0;
                    for (int i = 0; i < images.size(); i++) {
                        byte[] expected = RgbPixels.of(ImageIO.read(new ByteArrayInputStream(images.get(i))));
                        long imageSum = 0;
                        for (int b = 0; b < expected.length; b++) {
                            imageSum += Math.abs((expected[b] & 0xff) - (all.get((int) decoded.layout().offset(i) + b) & 0xff));
                        }
                        if (i == 1) {
                            assertThat(imageSum).as("the PNG, decoded by ImageIO itself").isZero();
                        }
                        sum += imageSum;
                        count += expected.length;
                    }
                    assertThat((double) sum / count).as("mean abs difference, %s", decoder.backend()).isLessThanOrEqualTo(3.0);
                }
                assertThat(decoded.decodedOnCpu()).isGreaterThanOrEqualTo(1);
            }
        }
    }

    @Test
    void undecodableImagesAreReportedWithoutFailingTheBatch() throws Exception {
        assumeFalse(GpuTests.unavailableReason().isPresent(), () -> GpuTests.unavailableReason().orElse(""));
        Cuda.use(0);
        byte[] good = ImageFiles.jpeg(picture(120, 160), false);
        byte[] damaged = good.clone();
        for (int i = damaged.length / 3; i < damaged.length - 2; i++) {
            damaged[i] = (byte) 0xFF; // markers where entropy-coded data should be
        }
        List<byte[]> images = List.of(good, "not an image at all".getBytes(), damaged, ImageFiles.jpeg(picture(40, 90), false));

        for (Backend backend : List.of(Backend.HARDWARE, Backend.GPU_HYBRID)) {
            try (CudaStream stream = new CudaStream(); NvJpegDecoder decoder = NvJpegDecoder.open(0, backend)) {
                DecodedImages decoded = decoder.decode(images, ImageGeometry::unresized, stream);
                assertThat(decoded.failures()).as("%s", decoder.backend()).containsKey(1);
                assertThat(decoded.failures().get(1)).contains("no format ImageIO or nvJPEG reads");
                try (PinnedMemory host = PinnedMemory.allocate(decoded.layout().totalBytes())) {
                    stream.copyToHost(host.pointer(), decoded.rgb().pointer(), decoded.layout().totalBytes());
                    stream.complete();
                    for (int i : new int[] {0, 3}) {
                        byte[] expected = RgbPixels.of(ImageIO.read(new ByteArrayInputStream(images.get(i))));
                        long sum = 0;
                        for (int b = 0; b < expected.length; b++) {
                            sum += Math.abs((expected[b] & 0xff) - (host.buffer().get((int) decoded.layout().offset(i) + b) & 0xff));
                        }
                        assertThat((double) sum / expected.length).as("image %d, %s", i, decoder.backend()).isLessThanOrEqualTo(3.0);
                    }
                }
            }
        }
    }

    private static BufferedImage picture(int height, int width) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setPaint(new GradientPaint(0, 0, new Color(30, 120, 200), width, height, new Color(220, 180, 40)));
        g.fillRect(0, 0, width, height);
        g.setColor(new Color(200, 40, 60));
        g.fillOval(width / 4, height / 4, width / 2, height / 2);
        g.dispose();
        return image;
    }
}
