package io.flinkinference.operators.ocr;

import io.flinkinference.samples.TextLineImages;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Point2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TextLineCropTest {
    private static final BufferedImage LINE = TextLineImages.render("flink streams 2026 invoices",
            new Font(Font.SANS_SERIF, Font.PLAIN, 30));

    @Test
    void cropsATiltedLineBackUpright() {
        AffineTransform placement = placement(640, 360, Math.toRadians(7));
        BufferedImage canvas = canvasWith(placement);

        BufferedImage crop = TextLineCrop.crop(canvas, boxOf(placement));

        assertThat(crop.getWidth()).isBetween(LINE.getWidth() - 1, LINE.getWidth() + 1);
        assertThat(crop.getHeight()).isBetween(LINE.getHeight() - 1, LINE.getHeight() + 1);
        double error = meanAbsoluteDifference(crop, LINE);
        // The same crop with the box 4 pixels off along the line: what a broken warp would look like.
        double misplaced = meanAbsoluteDifference(TextLineCrop.crop(canvas, boxOf(placement(644, 360, Math.toRadians(7)))), LINE);
        assertThat(error).isLessThan(12).isLessThan(misplaced / 3);
    }

    @Test
    void anUprightLineCropsToItsOwnPixels() {
        AffineTransform placement = AffineTransform.getTranslateInstance(100, 80);
        BufferedImage canvas = canvasWith(placement);

        BufferedImage crop = TextLineCrop.crop(canvas, boxOf(placement));

        assertThat(crop.getWidth()).isEqualTo(LINE.getWidth());
        assertThat(crop.getHeight()).isEqualTo(LINE.getHeight());
        assertThat(meanAbsoluteDifference(crop, LINE)).isLessThan(0.5);
    }

    @Test
    void verticalTextIsTurnedToReadAlongTheCrop() {
        // Written top to bottom: the line turned a quarter clockwise on the page.
        AffineTransform placement = placement(400, 360, Math.PI / 2);
        BufferedImage canvas = canvasWith(placement);

        BufferedImage crop = TextLineCrop.crop(canvas, boxOf(placement));

        assertThat(crop.getWidth()).isGreaterThan(crop.getHeight());
        assertThat(meanAbsoluteDifference(crop, LINE)).isLessThan(12);
    }

    @Test
    void turningAroundTwiceGivesTheCropBack() {
        BufferedImage turned = TextLineCrop.turnedAround(LINE);

        assertThat(meanAbsoluteDifference(turned, TextLineImages.rotate180(LINE))).isLessThan(0.5);
        assertThat(meanAbsoluteDifference(TextLineCrop.turnedAround(turned), LINE)).isZero();
        assertThat(meanAbsoluteDifference(turned, LINE)).isGreaterThan(10);
    }

    @Test
    void aBoxReachingPastTheImageIsFilledWithThePageColour() {
        BufferedImage page = new BufferedImage(200, 100, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = page.createGraphics();
        g.setColor(new Color(240, 230, 200));
        g.fillRect(0, 0, 200, 100);
        g.dispose();
        TextBox pastTheEdge = TextBox.ofCorners(List.of(new Point2D.Double(150, 10), new Point2D.Double(260, 10),
                new Point2D.Double(260, 40), new Point2D.Double(150, 40)), 1f);

        BufferedImage crop = TextLineCrop.crop(page, pastTheEdge);

        assertThat(new Color(crop.getRGB(crop.getWidth() - 1, 15))).isEqualTo(new Color(240, 230, 200));
    }

    /** The line's centre at (x, y) of the canvas, turned by {@code angle} (clockwise on screen). */
    private static AffineTransform placement(double x, double y, double angle) {
        AffineTransform placement = AffineTransform.getTranslateInstance(x, y);
        placement.rotate(angle);
        placement.translate(-LINE.getWidth() / 2.0, -LINE.getHeight() / 2.0);
        return placement;
    }

    private static BufferedImage canvasWith(AffineTransform placement) {
        BufferedImage canvas = new BufferedImage(1280, 720, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, canvas.getWidth(), canvas.getHeight());
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(LINE, placement, null);
        } finally {
            g.dispose();
        }
        return canvas;
    }

    private static TextBox boxOf(AffineTransform placement) {
        List<Point2D> corners = new ArrayList<>();
        for (double[] corner : new double[][] {{0, 0}, {LINE.getWidth(), 0}, {LINE.getWidth(), LINE.getHeight()}, {0, LINE.getHeight()}}) {
            corners.add(placement.transform(new Point2D.Double(corner[0], corner[1]), null));
        }
        return TextBox.ofCorners(corners, 1f);
    }

    /** Mean absolute difference of the grey levels (0-255) over the pixels both images have. */
    private static double meanAbsoluteDifference(BufferedImage a, BufferedImage b) {
        int width = Math.min(a.getWidth(), b.getWidth());
        int height = Math.min(a.getHeight(), b.getHeight());
        double sum = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                sum += Math.abs(grey(a.getRGB(x, y)) - grey(b.getRGB(x, y)));
            }
        }
        return sum / (width * height);
    }

    private static double grey(int rgb) {
        return (((rgb >> 16) & 0xff) + ((rgb >> 8) & 0xff) + (rgb & 0xff)) / 3.0;
    }
}
