package io.flinkinference.operators.translate;

import io.flinkinference.operators.InferenceFailure.Stage;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Damaged images are refused on the CPU path, never decoded into a picture with parts filled in. */
class ImageDecoderTest {

    @Test
    void aWholeJpegAndPngDecode() throws Exception {
        assertThat(ImageDecoder.decode(encode("jpg")).getWidth()).isEqualTo(160);
        assertThat(ImageDecoder.decode(encode("png")).getHeight()).isEqualTo(120);
    }

    @Test
    void aTruncatedJpegIsRefusedThoughImageIoWouldDecodeIt() throws Exception {
        byte[] jpeg = encode("jpg");
        byte[] cut = Arrays.copyOf(jpeg, jpeg.length * 6 / 10);
        assertThat(ImageIO.read(new java.io.ByteArrayInputStream(cut))).as("ImageIO alone returns a picture").isNotNull();

        assertThatThrownBy(() -> ImageDecoder.decode(cut)).isInstanceOfSatisfying(BadInputException.class, e -> {
            assertThat(e.stage()).isEqualTo(Stage.DECODE);
            assertThat(e.getMessage()).contains("corrupt or truncated").contains("Missing EOI marker");
        });
    }

    @Test
    void aJpegWithDamagedScanDataIsRefused() throws Exception {
        byte[] jpeg = encode("jpg");
        byte[] damaged = jpeg.clone();
        // Markers in the middle of the entropy-coded data: the decoder resynchronizes and warns.
        for (int i = damaged.length / 2; i < damaged.length / 2 + 40; i += 2) {
            damaged[i] = (byte) 0xFF;
            damaged[i + 1] = (byte) 0xD0;
        }
        assertThatThrownBy(() -> ImageDecoder.decode(damaged)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("corrupt or truncated");
    }

    @Test
    void aTruncatedPngIsRefused() throws Exception {
        byte[] png = encode("png");
        assertThatThrownBy(() -> ImageDecoder.decode(Arrays.copyOf(png, png.length / 2))).isInstanceOf(BadInputException.class)
                .hasMessageContaining("corrupt or truncated");
    }

    private static byte[] encode(String format) throws IOException {
        BufferedImage image = new BufferedImage(160, 120, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setPaint(new GradientPaint(0, 0, Color.ORANGE, 160, 120, Color.BLUE));
        g.fillRect(0, 0, 160, 120);
        g.setColor(Color.WHITE);
        g.fillOval(30, 20, 80, 60);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, format, out);
        return out.toByteArray();
    }
}
