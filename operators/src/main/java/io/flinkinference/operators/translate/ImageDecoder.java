package io.flinkinference.operators.translate;

import io.flinkinference.operators.InferenceFailure.Stage;
import io.flinkinference.operators.InferenceOptions;

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
import java.util.Optional;

/** Decodes encoded images (JPEG, PNG, BMP, GIF: whatever ImageIO reads) into pixels. */
public final class ImageDecoder {
    static {
        // ImageIO's disk cache only slows decoding from memory.
        ImageIO.setUseCache(false);
    }

    private ImageDecoder() {}

    /** Decodes with the default pixel limit, {@link InferenceOptions#MAX_IMAGE_PIXELS}. */
    public static BufferedImage decode(byte[] bytes) throws BadInputException {
        return decode(bytes, InferenceOptions.MAX_IMAGE_PIXELS.defaultValue());
    }

    /**
     * @param maxPixels the most pixels (width x height, as the header says) an image may have;
     *     larger ones are refused before a pixel is decoded
     */
    public static BufferedImage decode(byte[] bytes, long maxPixels) throws BadInputException {
        if (bytes == null || bytes.length == 0) {
            throw new BadInputException(Stage.DECODE, "The image payload is empty.");
        }
        BufferedImage image;
        List<String> warnings = new ArrayList<>();
        try {
            image = read(bytes, maxPixels, warnings);
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

    /**
     * ImageIO.read, but with the reader's warnings kept, which ImageIO.read drops, and the size
     * checked first: the decoded raster is allocated from the header's claim, so a few hundred
     * bytes claiming 26700x26700 cost gigabytes of heap, and a PNG of zeros compresses a thousandfold.
     */
    private static BufferedImage read(byte[] bytes, long maxPixels, List<String> warnings) throws IOException, BadInputException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return null;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                checkSize(reader.getWidth(0), reader.getHeight(0), maxPixels, bytes.length);
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
        checkReadable(bytes, InferenceOptions.MAX_IMAGE_PIXELS.defaultValue());
    }

    /** As {@link #checkReadable(byte[])}, refusing images of more than {@code maxPixels} as {@link #decode} does. */
    public static void checkReadable(byte[] bytes, long maxPixels) throws BadInputException {
        if (bytes == null || bytes.length == 0) {
            throw new BadInputException(Stage.DECODE, "The image payload is empty.");
        }
        Optional<JpegHeader> jpeg = JpegHeader.read(bytes);
        if (jpeg.isPresent()) {
            checkSize(jpeg.get().width(), jpeg.get().height(), maxPixels, bytes.length);
            return;
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (readers.hasNext()) {
                ImageReader reader = readers.next();
                try {
                    reader.setInput(in, true, true);
                    int width = reader.getWidth(0);
                    int height = reader.getHeight(0);
                    if (width > 0 && height > 0) {
                        checkSize(width, height, maxPixels, bytes.length);
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

    private static void checkSize(int width, int height, long maxPixels, int encodedBytes) throws BadInputException {
        long pixels = (long) width * height;
        if (pixels > maxPixels) {
            throw new BadInputException(Stage.DECODE, String.format("The image is %dx%d, %.1f megapixels in %d encoded bytes, "
                    + "over the limit of %.1f megapixels (%s); it was not decoded.", width, height, pixels / 1e6, encodedBytes,
                    maxPixels / 1e6, InferenceOptions.MAX_IMAGE_PIXELS.key()));
        }
    }

    private static String hexPrefix(byte[] bytes) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(4, bytes.length); i++) {
            hex.append(String.format("%02x", bytes[i] & 0xff));
        }
        return hex.toString();
    }
}
