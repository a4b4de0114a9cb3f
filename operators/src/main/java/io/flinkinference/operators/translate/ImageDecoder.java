package io.flinkinference.operators.translate;

import io.flinkinference.operators.InferenceFailure.Stage;

import io.flinkinference.operators.image.JpegHeader;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Decodes encoded images (JPEG, PNG, BMP, GIF: whatever ImageIO reads) into pixels. */
public final class ImageDecoder {
    static {
        // ImageIO's disk cache only slows decoding from memory.
        ImageIO.setUseCache(false);
    }

    private ImageDecoder() {}

    public static BufferedImage decode(byte[] bytes) throws BadInputException {
        if (bytes == null || bytes.length == 0) {
            throw new BadInputException(Stage.DECODE, "The image payload is empty.");
        }
        BufferedImage image;
        List<String> warnings = new ArrayList<>();
        try {
            image = read(bytes, warnings);
        } catch (IOException | RuntimeException e) {
            throw new BadInputException(Stage.DECODE,
                    "The image is corrupt or truncated (" + bytes.length + " bytes): " + e.getMessage(), e);
        }
        if (!warnings.isEmpty()) {
            // ImageIO's JPEG reader decodes what it has of a cut-off or damaged file and only warns
            // ("Truncated File - Missing EOI marker", "Corrupt JPEG data"): such a picture is partly grey and
            // its result would be wrong without anyone knowing.
            throw new BadInputException(Stage.DECODE, "The image is corrupt or truncated (" + bytes.length
                    + " bytes): the decoder warned " + warnings + " and would have filled in what is missing.");
        }
        if (image == null) {
            throw new BadInputException(Stage.DECODE,
                    "The payload (" + bytes.length + " bytes, starting " + hexPrefix(bytes)
                            + ") is not an image format this decoder reads (JPEG, PNG, BMP, GIF).");
        }
        if (image.getWidth() < 1 || image.getHeight() < 1) {
            throw new BadInputException(Stage.DECODE, "The image is empty (" + image.getWidth() + "x" + image.getHeight() + ").");
        }
        return image;
    }

    /** ImageIO.read, but with the reader's warnings kept, which ImageIO.read drops. */
    private static BufferedImage read(byte[] bytes, List<String> warnings) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return null;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                return reader.read(0, reader.getDefaultReadParam());
            } finally {
                reader.dispose();
            }
        }
    }

    /**
     * Checks, from the headers alone, that the bytes are an image some decoder reads and how large
     * it is, without decoding the pixels: for engines that decode batches of images themselves,
     * so that bytes which are no image at all never reach a batch.
     */
    public static void checkReadable(byte[] bytes) throws BadInputException {
        if (bytes == null || bytes.length == 0) {
            throw new BadInputException(Stage.DECODE, "The image payload is empty.");
        }
        if (JpegHeader.read(bytes).isPresent()) {
            return;
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (readers.hasNext()) {
                ImageReader reader = readers.next();
                try {
                    reader.setInput(in, true, true);
                    if (reader.getWidth(0) > 0 && reader.getHeight(0) > 0) {
                        return;
                    }
                } finally {
                    reader.dispose();
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new BadInputException(Stage.DECODE,
                    "The image header is corrupt or truncated (" + bytes.length + " bytes): " + e.getMessage(), e);
        }
        throw new BadInputException(Stage.DECODE, "The payload (" + bytes.length + " bytes, starting " + hexPrefix(bytes)
                + ") is not an image format this decoder reads (JPEG, PNG, BMP, GIF).");
    }

    private static String hexPrefix(byte[] bytes) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(4, bytes.length); i++) {
            hex.append(String.format("%02x", bytes[i] & 0xff));
        }
        return hex.toString();
    }
}
