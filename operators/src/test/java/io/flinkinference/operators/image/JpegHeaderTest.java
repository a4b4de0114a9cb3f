package io.flinkinference.operators.image;

import io.flinkinference.samples.ImageFiles;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Routing images between nvJPEG's hardware engine and the other decoders, from the frame header alone. */
class JpegHeaderTest {
    @Test
    void readsTheSizeOfABaselineJpeg() throws Exception {
        JpegHeader header = JpegHeader.read(ImageFiles.jpeg(new BufferedImage(321, 123, BufferedImage.TYPE_INT_RGB), false)).orElseThrow();

        assertThat(header.width()).isEqualTo(321);
        assertThat(header.height()).isEqualTo(123);
        assertThat(header.components()).isEqualTo(3);
        assertThat(header.hardwareDecodable()).isTrue();
    }

    @Test
    void grayJpegsHaveOneComponent() throws Exception {
        JpegHeader header = JpegHeader.read(ImageFiles.jpeg(new BufferedImage(40, 30, BufferedImage.TYPE_BYTE_GRAY), false)).orElseThrow();

        assertThat(header.components()).isEqualTo(1);
        assertThat(header.hardwareDecodable()).isTrue();
    }

    @Test
    void progressiveJpegsAreNotForTheHardwareEngine() throws Exception {
        JpegHeader header = JpegHeader.read(ImageFiles.jpeg(new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB), true)).orElseThrow();

        assertThat(header.frameType()).isEqualTo(0xC2);
        assertThat(header.hardwareDecodable()).isFalse();
        assertThat(header.width()).isEqualTo(64);
    }

    @Test
    void otherFormatsAndBrokenFilesHaveNoHeader() throws Exception {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "png", png);
        byte[] jpeg = ImageFiles.jpeg(new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB), false);

        assertThat(JpegHeader.read(png.toByteArray())).isEmpty();
        assertThat(JpegHeader.read(Arrays.copyOf(jpeg, 20))).isEmpty();
        assertThat(JpegHeader.read(new byte[] {(byte) 0xFF, (byte) 0xD8})).isEmpty();
        assertThat(JpegHeader.read(new byte[0])).isEmpty();
    }
}
