package io.flinkinference.operators.image;

import io.flinkinference.modelstore.manifest.Preprocessing;
import io.flinkinference.modelstore.manifest.Preprocessing.ChannelOrder;
import io.flinkinference.modelstore.manifest.Preprocessing.Layout;
import io.flinkinference.modelstore.manifest.Preprocessing.ResizeMode;
import io.flinkinference.operators.translate.ImagePreprocessor;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The GPU kernel's Java twin: the arithmetic the kernel is checked against on the GPU machine. */
class PreprocessReferenceTest {
    private static Preprocessing spec(int height, int width, Layout layout, ChannelOrder order, ResizeMode mode) {
        int channels = order == ChannelOrder.GRAY ? 1 : 3;
        return new Preprocessing(height, width, layout, order, 1 / 255.0, List.of(0.5, 0.5, 0.5).subList(0, channels),
                List.of(0.25, 0.25, 0.25).subList(0, channels), mode);
    }

    @Test
    void sameSizeIsAPlainNormalizationInChannelOrder() {
        byte[] rgb = {(byte) 255, 0, (byte) 128, 0, (byte) 255, 64}; // 1 x 2 pixels
        Preprocessing spec = spec(1, 2, Layout.NCHW, ChannelOrder.BGR, ResizeMode.STRETCH);
        FloatBuffer out = FloatBuffer.allocate(6);

        new PreprocessReference(spec).apply(rgb, ImageGeometry.of(spec, 1, 2), out, 0);

        // (v / 255 - 0.5) / 0.25 per value; BGR planes: B, G, R
        assertThat(out.array()).usingComparatorWithPrecision(1e-6f)
                .containsExactly(norm(128), norm(64), norm(0), norm(255), norm(255), norm(0));
    }

    @Test
    void halvingAveragesPairsWithHalfPixelCentres() {
        // One row, four pixels of gray levels 0, 100, 200, 40: halving samples at x = 0.5 and 2.5.
        byte[] rgb = new byte[12];
        int[] levels = {0, 100, 200, 40};
        for (int x = 0; x < 4; x++) {
            for (int c = 0; c < 3; c++) {
                rgb[x * 3 + c] = (byte) levels[x];
            }
        }
        Preprocessing spec = spec(1, 2, Layout.NHWC, ChannelOrder.RGB, ResizeMode.STRETCH);
        FloatBuffer out = FloatBuffer.allocate(6);

        new PreprocessReference(spec).apply(rgb, ImageGeometry.of(spec, 1, 4), out, 0);

        assertThat(out.get(0)).isCloseTo(norm(50), within(1e-5f));
        assertThat(out.get(3)).isCloseTo(norm(120), within(1e-5f));
    }

    @Test
    void fitHeightPadKeepsTheAspectRatioAndLeavesZerosAfterIt() {
        byte[] rgb = new byte[2 * 4 * 3]; // 2 x 4, all 255
        java.util.Arrays.fill(rgb, (byte) 255);
        Preprocessing spec = spec(2, 8, Layout.NCHW, ChannelOrder.GRAY, ResizeMode.FIT_HEIGHT_PAD);
        ImageGeometry geometry = ImageGeometry.of(spec, 2, 4);
        FloatBuffer out = FloatBuffer.allocate(16);

        new PreprocessReference(spec).apply(rgb, geometry, out, 0);

        assertThat(geometry.resizedWidth()).isEqualTo(4);
        float white = (0.299f * 255 + 0.587f * 255 + 0.114f * 255) * (float) (1 / 255.0 / 0.25) + (float) (-0.5 / 0.25);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 8; x++) {
                assertThat(out.get(y * 8 + x)).as("y %d x %d", y, x).isCloseTo(x < 4 ? white : 0f, within(1e-5f));
            }
        }
    }

    @Test
    void writesTheImageAtItsPlaceInTheBatch() {
        byte[] rgb = {10, 20, 30};
        Preprocessing spec = spec(1, 1, Layout.NCHW, ChannelOrder.RGB, ResizeMode.STRETCH);
        FloatBuffer out = FloatBuffer.allocate(9);
        java.util.Arrays.fill(out.array(), Float.NaN);

        new PreprocessReference(spec).apply(rgb, ImageGeometry.of(spec, 1, 1), out, 2);

        assertThat(out.array()).startsWith(Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN);
        assertThat(out.get(6)).isCloseTo(norm(10), within(1e-6f));
        assertThat(out.get(8)).isCloseTo(norm(30), within(1e-6f));
    }

    @Test
    void centerCropAtTheImagesOwnSizeCutsTheExactCentre() {
        // 4 x 6 gray levels 10 * (row * 6 + column); short side 4 keeps the size, the 2 x 2 crop starts at row 1, column 2.
        byte[] rgb = new byte[4 * 6 * 3];
        for (int i = 0; i < 24; i++) {
            java.util.Arrays.fill(rgb, i * 3, i * 3 + 3, (byte) (10 * i));
        }
        Preprocessing spec = new Preprocessing(2, 2, Layout.NHWC, ChannelOrder.GRAY, 1.0, List.of(0.0), List.of(1.0),
                ResizeMode.SHORT_SIDE_CENTER_CROP, 4);
        FloatBuffer out = FloatBuffer.allocate(4);

        new PreprocessReference(spec).apply(rgb, ImageGeometry.of(spec, 4, 6), out, 0);

        // A gray pixel's luminance is its level (the weights add up to 1, to float rounding).
        assertThat(out.array()).usingComparatorWithPrecision(1e-3f).containsExactly(80f, 90f, 140f, 150f);
    }

    /**
     * The kernel's twin (which the GPU matches bit for bit) against the CPU path's Java2D resize in
     * the ImageNet crop, on seeded noise, where sampling a shifted grid or a crop one pixel off
     * would differ by tens of levels on average. Java2D rounds each resized pixel to 8 bits and
     * weighs in fixed point, hence the small limits rather than none.
     */
    @Test
    void centerCropAgreesWithTheCpuPath() {
        Preprocessing spec = new Preprocessing(224, 224, Layout.NCHW, ChannelOrder.RGB, 1.0, List.of(0.0, 0.0, 0.0),
                List.of(1.0, 1.0, 1.0), ResizeMode.SHORT_SIDE_CENTER_CROP);
        Random random = new Random(11);
        for (int[] size : new int[][] {{480, 640}, {640, 480}, {375, 500}, {256, 256}, {120, 90}}) {
            BufferedImage image = new BufferedImage(size[1], size[0], BufferedImage.TYPE_INT_RGB);
            byte[] rgb = new byte[3 * size[0] * size[1]];
            for (int y = 0; y < size[0]; y++) {
                for (int x = 0; x < size[1]; x++) {
                    int pixel = random.nextInt(1 << 24);
                    image.setRGB(x, y, pixel);
                    int at = (y * size[1] + x) * 3;
                    rgb[at] = (byte) (pixel >> 16);
                    rgb[at + 1] = (byte) (pixel >> 8);
                    rgb[at + 2] = (byte) pixel;
                }
            }
            FloatBuffer twin = FloatBuffer.allocate(3 * 224 * 224);
            new PreprocessReference(spec).apply(rgb, ImageGeometry.of(spec, size[0], size[1]), twin, 0);
            FloatBuffer cpu = new ImagePreprocessor(spec).batch(List.of(image)).floats();

            double worst = 0;
            double sum = 0;
            for (int i = 0; i < twin.capacity(); i++) {
                double difference = Math.abs(twin.get(i) - cpu.get(i));
                worst = Math.max(worst, difference);
                sum += difference;
            }
            assertThat(worst).as("largest difference in levels, %dx%d", size[0], size[1]).isLessThanOrEqualTo(2.0);
            assertThat(sum / twin.capacity()).as("mean difference in levels, %dx%d", size[0], size[1]).isLessThanOrEqualTo(0.5);
        }
    }

    private static float norm(int value) {
        return value * (float) (1 / 255.0 / 0.25) + (float) (-0.5 / 0.25);
    }
}
