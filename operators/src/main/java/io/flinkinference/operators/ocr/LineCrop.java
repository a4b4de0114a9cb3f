package io.flinkinference.operators.ocr;

import java.awt.image.BufferedImage;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * One detected line of an image, cut out upright ({@link TextLineCrop}), on its way through
 * orientation and recognition. It says which image it belongs to and how many lines that image has,
 * so that the lines can be gathered again into one result per image, whatever order they come in.
 *
 * <p>A record of plain values (the box as {@link BoxCorners}, the pixels as packed RGB), so that
 * Flink serializes it with its own serializer, never Kryo.
 *
 * @param lineIndex the line's place in the image's reading order, 0 to {@code lineCount - 1}
 * @param rgb the crop's pixels, row by row, {@code 0xRRGGBB}
 */
public record LineCrop(String imageId, int lineIndex, int lineCount, BoxCorners box, int width, int height, int[] rgb,
        long eventTimeMillis, Map<String, String> metadata) {

    public LineCrop {
        if (lineIndex < 0 || lineIndex >= lineCount) {
            throw new IllegalArgumentException("Line " + lineIndex + " of " + lineCount + " lines does not exist");
        }
        if (width < 1 || height < 1 || rgb.length != width * height) {
            throw new IllegalArgumentException("A " + width + "x" + height + " crop has " + width * height + " pixels, not " + rgb.length);
        }
        metadata = metadata == null || metadata.isEmpty() ? Map.of() : Collections.unmodifiableMap(new HashMap<>(metadata));
    }

    /** Line {@code lineIndex} of {@code lineCount} of the image, cut out of {@code page} along {@code box}. */
    public static LineCrop cut(String imageId, int lineIndex, int lineCount, BufferedImage page, TextBox box,
            long eventTimeMillis, Map<String, String> metadata) {
        BufferedImage crop = TextLineCrop.crop(page, box);
        return new LineCrop(imageId, lineIndex, lineCount, BoxCorners.of(box), crop.getWidth(), crop.getHeight(),
                pixels(crop), eventTimeMillis, metadata);
    }

    /** The crop as an image (a new one each call). */
    public BufferedImage image() {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, width, height, rgb, 0, width);
        return image;
    }

    /** This line with other pixels, e.g. turned around by the orientation classifier. */
    public LineCrop withImage(BufferedImage image) {
        return new LineCrop(imageId, lineIndex, lineCount, box, image.getWidth(), image.getHeight(), pixels(image),
                eventTimeMillis, metadata);
    }

    private static int[] pixels(BufferedImage image) {
        int[] argb = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
        for (int i = 0; i < argb.length; i++) {
            argb[i] &= 0xffffff;
        }
        return argb;
    }
}
