package io.flinkinference.samples;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Encodes rendered pictures as the files users send: JPEG (baseline or progressive) and PNG, and hostile variants of them. */
public final class ImageFiles {
    /** ImageIO's own default JPEG quality. */
    public static final float DEFAULT_QUALITY = 0.75f;

    private ImageFiles() {}

    public static byte[] jpeg(BufferedImage image, boolean progressive) {
        return jpeg(image, DEFAULT_QUALITY, progressive);
    }

    public static byte[] jpeg(BufferedImage image, float quality, boolean progressive) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            if (progressive) {
                param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            }
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    public static byte[] png(BufferedImage image) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * The baseline JPEG with its frame header (SOF0) claiming {@code width} x {@code height}: a
     * file of a few hundred bytes that says it is any size, the kind of input a decoder must refuse
     * from its header before allocating for it.
     */
    public static byte[] claimingSize(byte[] jpeg, int width, int height) {
        byte[] patched = jpeg.clone();
        for (int at = 2; at + 9 < patched.length; at++) {
            if ((patched[at] & 0xff) == 0xFF && (patched[at + 1] & 0xff) == 0xC0) {
                patched[at + 5] = (byte) (height >> 8);
                patched[at + 6] = (byte) height;
                patched[at + 7] = (byte) (width >> 8);
                patched[at + 8] = (byte) width;
                return patched;
            }
        }
        throw new IllegalArgumentException("Not a baseline JPEG: no SOF0 frame header");
    }

    /**
     * The PNG with its IHDR chunk claiming {@code width} x {@code height} (and its CRC made right
     * again, so that only the size is a lie): a file of a few hundred bytes whose decoded raster
     * would take {@code width * height * 4} bytes.
     */
    public static byte[] pngClaimingSize(byte[] png, int width, int height) {
        // Signature (8 bytes), then IHDR: length (4), type (4), width (4), height (4), 5 more bytes, CRC (4).
        if (png.length < 33 || png[12] != 'I' || png[13] != 'H' || png[14] != 'D' || png[15] != 'R') {
            throw new IllegalArgumentException("Not a PNG: no IHDR chunk after the signature");
        }
        byte[] patched = png.clone();
        java.nio.ByteBuffer header = java.nio.ByteBuffer.wrap(patched);
        header.putInt(16, width).putInt(20, height);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(patched, 12, 17); // the chunk's type and data
        header.putInt(29, (int) crc.getValue());
        return patched;
    }
}
