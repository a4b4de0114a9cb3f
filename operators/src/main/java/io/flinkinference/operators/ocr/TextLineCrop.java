package io.flinkinference.operators.ocr;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.NoninvertibleTransformException;
import java.awt.geom.Point2D;
import java.awt.image.BufferedImage;

/**
 * Cuts a detected line out of its image as an upright picture of the line, the recognizer's input:
 * the box's top-left corner goes to (0, 0), its top side along x and its left side along y, sampled
 * bilinearly by Java2D (an affine warp, exact for the rectangles that DB post-processing gives). A
 * crop at least 1.5 times as tall as it is wide is vertical text and is turned a quarter
 * counter-clockwise, as PaddleOCR does, so that the recognizer reads along it. Upside-down lines
 * stay upside down here: the orientation classifier decides those ({@link #turnedAround}).
 */
public final class TextLineCrop {
    /** Crops at least this many times as tall as wide are turned a quarter. */
    public static final double VERTICAL_ASPECT = 1.5;

    private TextLineCrop() {}

    public static BufferedImage crop(BufferedImage image, TextBox box) {
        int width = Math.max(1, (int) Math.round(box.width()));
        int height = Math.max(1, (int) Math.round(box.height()));
        Point2D topLeft = box.topLeft();
        Point2D topRight = box.topRight();
        Point2D bottomLeft = box.bottomLeft();
        AffineTransform cropToImage = new AffineTransform(
                (topRight.getX() - topLeft.getX()) / width, (topRight.getY() - topLeft.getY()) / width,
                (bottomLeft.getX() - topLeft.getX()) / height, (bottomLeft.getY() - topLeft.getY()) / height,
                topLeft.getX(), topLeft.getY());
        AffineTransform imageToCrop;
        try {
            imageToCrop = cropToImage.createInverse();
        } catch (NoninvertibleTransformException e) {
            throw new IllegalArgumentException("A text box with no area cannot be cropped: " + box, e);
        }
        BufferedImage crop = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = crop.createGraphics();
        try {
            // Where the box reaches past the image (it was clipped there), the crop shows the page's
            // colour rather than black: the corners of an unclipped box lie off the ink, on the page.
            g.setColor(backgroundAt(image, box));
            g.fillRect(0, 0, width, height);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(image, imageToCrop, null);
        } finally {
            g.dispose();
        }
        return height >= VERTICAL_ASPECT * width ? quarterTurnCounterClockwise(crop) : crop;
    }

    /** The crop turned 180 degrees, for a line the orientation classifier finds upside down. */
    public static BufferedImage turnedAround(BufferedImage crop) {
        AffineTransform turn = AffineTransform.getQuadrantRotateInstance(2, crop.getWidth() / 2.0, crop.getHeight() / 2.0);
        return transformed(crop, turn, crop.getWidth(), crop.getHeight());
    }

    static BufferedImage quarterTurnCounterClockwise(BufferedImage crop) {
        // y down: a quarter turn of -90 degrees is counter-clockwise on screen; the shift brings it back into view.
        AffineTransform turn = AffineTransform.getTranslateInstance(0, crop.getWidth());
        turn.quadrantRotate(-1);
        return transformed(crop, turn, crop.getHeight(), crop.getWidth());
    }

    private static BufferedImage transformed(BufferedImage image, AffineTransform transform, int width, int height) {
        BufferedImage result = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = result.createGraphics();
        try {
            g.drawImage(image, transform, null); // quadrant turns land pixels on pixels: no interpolation
        } finally {
            g.dispose();
        }
        return result;
    }

    /** The mean colour of the image at the box's corners, each clamped into the image. */
    private static Color backgroundAt(BufferedImage image, TextBox box) {
        int r = 0;
        int g = 0;
        int b = 0;
        for (Point2D corner : new Point2D[] {box.topLeft(), box.topRight(), box.bottomRight(), box.bottomLeft()}) {
            int x = (int) Math.max(0, Math.min(image.getWidth() - 1, Math.floor(corner.getX())));
            int y = (int) Math.max(0, Math.min(image.getHeight() - 1, Math.floor(corner.getY())));
            int rgb = image.getRGB(x, y);
            r += (rgb >> 16) & 0xff;
            g += (rgb >> 8) & 0xff;
            b += rgb & 0xff;
        }
        return new Color(r / 4, g / 4, b / 4);
    }
}
