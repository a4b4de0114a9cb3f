package io.flinkinference.operators.translate;

import io.flinkinference.modelstore.manifest.Preprocessing;
import io.flinkinference.modelstore.manifest.Preprocessing.ChannelOrder;
import io.flinkinference.modelstore.manifest.Preprocessing.Layout;
import io.flinkinference.modelstore.manifest.Preprocessing.ResizeMode;
import io.flinkinference.operators.engine.Tensor;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

class ImagePreprocessorTest {
    private static final Color PIXEL = new Color(200, 100, 50); // R, G, B

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

    private static BufferedImage solid(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(PIXEL);
        g.fillRect(0, 0, width, height);
        g.dispose();
        return image;
    }
}
