package io.flinkinference.operators.translate;

import io.flinkinference.modelstore.manifest.Preprocessing;
import io.flinkinference.modelstore.manifest.Preprocessing.ChannelOrder;
import io.flinkinference.modelstore.manifest.Preprocessing.Layout;
import io.flinkinference.modelstore.manifest.Preprocessing.ResizeMode;
import io.flinkinference.operators.engine.Tensor;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

class ImagePreprocessorTest {
    private static final Color PIXEL = new Color(200, 100, 50); // R, G, B
    /** Raw levels out (scale 1, mean 0, std 1), so values compare with pixels directly. */
    private static final Preprocessing CROP_224 = new Preprocessing(224, 224, Layout.NCHW, ChannelOrder.RGB, 1.0,
            List.of(0.0, 0.0, 0.0), List.of(1.0, 1.0, 1.0), ResizeMode.SHORT_SIDE_CENTER_CROP);

    @Test
    void normalizesPerChannelInBgrOrderAndNchwLayout() {
        Preprocessing spec = new Preprocessing(4, 6, Layout.NCHW, ChannelOrder.BGR, 1 / 255.0,
                List.of(0.5, 0.5, 0.5), List.of(0.5, 0.25, 0.5), ResizeMode.STRETCH);
        Tensor tensor = new ImagePreprocessor(spec).batch(List.of(solid(12, 8), solid(3, 3)));

        assertThat(tensor.shape()).containsExactly(2, 3, 4, 6);
        FloatBuffer v = tensor.floats();
        int plane = 4 * 6;
        // Channel 0 is blue: (50/255 - 0.5) / 0.5; channel 1 green with std 0.25; channel 2 red.
        assertThat(v.get(0)).isCloseTo((50 / 255f - 0.5f) / 0.5f, offset(1e-5f));
        assertThat(v.get(plane + 5)).isCloseTo((100 / 255f - 0.5f) / 0.25f, offset(1e-5f));
        assertThat(v.get(2 * plane + 23)).isCloseTo((200 / 255f - 0.5f) / 0.5f, offset(1e-5f));
        // The second image starts after the first one's 3 planes.
        assertThat(v.get(3 * plane)).isCloseTo((50 / 255f - 0.5f) / 0.5f, offset(1e-5f));
    }

    @Test
    void writesNhwcInRgbOrder() {
        Preprocessing spec = new Preprocessing(2, 2, Layout.NHWC, ChannelOrder.RGB, 1.0,
                List.of(0.0, 0.0, 0.0), List.of(1.0, 1.0, 1.0), ResizeMode.STRETCH);
        FloatBuffer v = new ImagePreprocessor(spec).batch(List.of(solid(5, 5))).floats();

        assertThat(new float[] {v.get(0), v.get(1), v.get(2), v.get(9), v.get(10), v.get(11)})
                .containsExactly(200f, 100f, 50f, 200f, 100f, 50f);
    }

    @Test
    void fitHeightPadKeepsTheAspectRatioAndPadsWithZeros() {
        Preprocessing spec = new Preprocessing(10, 40, Layout.NCHW, ChannelOrder.RGB, 1 / 255.0,
                List.of(0.5, 0.5, 0.5), List.of(0.5, 0.5, 0.5), ResizeMode.FIT_HEIGHT_PAD);
        // 20x10 image -> height 10, width ceil(10 * 2) = 20; columns 20..39 are padding.
        FloatBuffer v = new ImagePreprocessor(spec).batch(List.of(solid(20, 10))).floats();

        assertThat(v.get(5 * 40 + 19)).isCloseTo((200 / 255f - 0.5f) / 0.5f, offset(1e-5f));
        assertThat(v.get(5 * 40 + 20)).isZero();
        assertThat(v.get(5 * 40 + 39)).isZero();
    }

    @Test
    void grayUsesLuminance() {
        Preprocessing spec = new Preprocessing(1, 1, Layout.NCHW, ChannelOrder.GRAY, 1.0,
                List.of(0.0), List.of(1.0), ResizeMode.STRETCH);
        Tensor tensor = new ImagePreprocessor(spec).batch(List.of(solid(1, 1)));

        assertThat(tensor.shape()).containsExactly(1, 1, 1, 1);
        assertThat(tensor.floats().get(0)).isEqualTo(Math.round(0.299 * 200 + 0.587 * 100 + 0.114 * 50));
    }

    @Test
    void centerCropKeepsTheMiddleThirdOfALandscapeImage() {
        // 100 high, 300 wide, red | green | blue: resized to 256 x 768, the crop spans x 272..495, inside the green.
        FloatBuffer v = new ImagePreprocessor(CROP_224).batch(List.of(thirds(300, 100, true))).floats();

        assertEveryPixel(v, 0, 255, 0);
    }

    @Test
    void centerCropKeepsTheMiddleThirdOfAPortraitImage() {
        FloatBuffer v = new ImagePreprocessor(CROP_224).batch(List.of(thirds(100, 300, false))).floats();

        assertEveryPixel(v, 0, 255, 0);
    }

    /**
     * The crop against the plain way of doing it with Java2D, resizing the whole image and cutting
     * the centre, on seeded noise (where any shift of the sampling grid shows) of a landscape, a
     * portrait, a square and an enlarged image; the resized sizes and margins are torchvision's.
     */
    @Test
    void centerCropEqualsResizingTheWholeImageThenCuttingItsCentre() {
        int[][] cases = { // height, width, resized height, resized width, top, left
            {480, 640, 256, 341, 16, 58}, {500, 375, 341, 256, 58, 16}, {300, 300, 256, 256, 16, 16}, {90, 120, 256, 341, 16, 58}};
        Random random = new Random(7);
        for (int[] c : cases) {
            BufferedImage image = noise(c[1], c[0], random);
            FloatBuffer v = new ImagePreprocessor(CROP_224).batch(List.of(image)).floats();

            BufferedImage whole = new BufferedImage(c[3], c[2], BufferedImage.TYPE_INT_RGB);
            Graphics2D g = whole.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(image, 0, 0, c[3], c[2], null);
            g.dispose();
            BufferedImage centre = whole.getSubimage(c[5], c[4], 224, 224);
            int worst = 0;
            for (int y = 0; y < 224; y++) {
                for (int x = 0; x < 224; x++) {
                    int rgb = centre.getRGB(x, y);
                    int[] expected = {(rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff};
                    for (int ch = 0; ch < 3; ch++) {
                        worst = Math.max(worst, Math.abs(expected[ch] - Math.round(v.get(ch * 224 * 224 + y * 224 + x))));
                    }
                }
            }
            assertThat(worst).as("%dx%d", c[0], c[1]).isLessThanOrEqualTo(1);
        }
    }

    private static void assertEveryPixel(FloatBuffer nchw224, int r, int g, int b) {
        int plane = 224 * 224;
        for (int i = 0; i < plane; i++) {
            assertThat(new float[] {nchw224.get(i), nchw224.get(plane + i), nchw224.get(2 * plane + i)})
                    .as("pixel %d, %d", i % 224, i / 224).containsExactly(r, g, b);
        }
    }

    /** Red, green and blue thirds, side by side or one above the other. */
    private static BufferedImage thirds(int width, int height, boolean sideBySide) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        Color[] colors = {Color.RED, Color.GREEN, Color.BLUE};
        for (int i = 0; i < 3; i++) {
            g.setColor(colors[i]);
            if (sideBySide) {
                g.fillRect(i * width / 3, 0, width / 3, height);
            } else {
                g.fillRect(0, i * height / 3, width, height / 3);
            }
        }
        g.dispose();
        return image;
    }

    private static BufferedImage noise(int width, int height, Random random) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        return image;
    }

    private static BufferedImage solid(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(PIXEL);
        g.fillRect(0, 0, width, height);
        g.dispose();
        return image;
    }
}
