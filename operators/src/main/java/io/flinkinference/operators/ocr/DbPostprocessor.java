package io.flinkinference.operators.ocr;

import io.flinkinference.operators.engine.Tensor;
import io.flinkinference.operators.ocr.ConnectedRegions.Region;

import java.awt.geom.Point2D;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Differentiable Binarization's post-processing: from the text detector's probability map to text
 * boxes in the original image, in reading order. The map is thresholded ({@code threshold}), its
 * 8-connected regions found, regions whose mean probability is under {@code boxThreshold} dropped
 * (blurry texture, not text), each remaining region's minimum-area rectangle taken and dropped when
 * its short side is under {@code minSize} map pixels (specks), then "unclipped": the detector is
 * trained to predict text shrunk towards its centre, and pushing each side out by
 * {@code area * unclipRatio / perimeter} recovers the whole line. For a rectangle that offset is the
 * rectangle grown by that distance on every side (a polygon offset with rounded joins, as DB's
 * authors use, has the same minimum-area rectangle).
 *
 * <p>Region probabilities are averaged over the region's own pixels (DB's "slow" score is over its
 * contour's inside, which differs only by holes), and rectangles are around the pixels' outer
 * corners, so a region of w x h pixels is a w x h rectangle before unclipping.
 */
public final class DbPostprocessor {
    /** PaddleOCR's defaults: {@code thresh}, {@code box_thresh}, {@code unclip_ratio}, {@code min_size}. */
    public static final float DEFAULT_THRESHOLD = 0.3f;
    public static final float DEFAULT_BOX_THRESHOLD = 0.6f;
    public static final double DEFAULT_UNCLIP_RATIO = 1.5;
    public static final double DEFAULT_MIN_SIZE = 3;

    private final float threshold;
    private final float boxThreshold;
    private final double unclipRatio;
    private final double minSize;

    public DbPostprocessor(float threshold, float boxThreshold, double unclipRatio, double minSize) {
        if (!(threshold > 0 && threshold < 1) || !(boxThreshold >= 0 && boxThreshold <= 1)) {
            throw new IllegalArgumentException("The thresholds are probabilities in (0, 1), not " + threshold + " and " + boxThreshold);
        }
        if (!(unclipRatio >= 0) || !(minSize >= 0)) {
            throw new IllegalArgumentException("The unclip ratio and the min size must be non-negative, not " + unclipRatio + " and " + minSize);
        }
        this.threshold = threshold;
        this.boxThreshold = boxThreshold;
        this.unclipRatio = unclipRatio;
        this.minSize = minSize;
    }

    public static DbPostprocessor defaults() {
        return new DbPostprocessor(DEFAULT_THRESHOLD, DEFAULT_BOX_THRESHOLD, DEFAULT_UNCLIP_RATIO, DEFAULT_MIN_SIZE);
    }

    /** The boxes of row {@code row} of the detector's [N, 1, H, W] output, H x W being {@code resize}'s size. */
    public List<TextBox> boxes(Tensor maps, int row, DetectionResize resize) {
        if (maps.rank() != 4 || maps.dim(1) != 1 || maps.dim(2) != resize.resizedHeight() || maps.dim(3) != resize.resizedWidth()) {
            throw new IllegalArgumentException("DB post-processing needs a [N, 1, " + resize.resizedHeight() + ", "
                    + resize.resizedWidth() + "] probability map, got " + maps);
        }
        return boxes(maps.floats(), row * resize.resizedHeight() * resize.resizedWidth(), resize);
    }

    /** The boxes of a row-major {@code resize.resizedHeight() x resize.resizedWidth()} probability map. */
    public List<TextBox> boxes(float[] map, DetectionResize resize) {
        if (map.length != resize.resizedHeight() * resize.resizedWidth()) {
            throw new IllegalArgumentException("A " + resize.resizedHeight() + "x" + resize.resizedWidth()
                    + " probability map has " + resize.resizedHeight() * resize.resizedWidth() + " values, not " + map.length);
        }
        return boxes(FloatBuffer.wrap(map), 0, resize);
    }

    private List<TextBox> boxes(FloatBuffer map, int offset, DetectionResize resize) {
        List<TextBox> boxes = new ArrayList<>();
        for (Region region : ConnectedRegions.find(map, offset, resize.resizedHeight(), resize.resizedWidth(), threshold)) {
            if (region.meanProbability() < boxThreshold) {
                continue;
            }
            MinimumAreaRectangle rectangle = MinimumAreaRectangle.around(outerCorners(region));
            if (rectangle.shortSide() < minSize) {
                continue;
            }
            MinimumAreaRectangle unclipped = rectangle.expandedBy(rectangle.area() * unclipRatio / rectangle.perimeter());
            boxes.add(TextBox.ofCorners(toImage(unclipped.corners(), resize), (float) region.meanProbability()));
        }
        return ReadingOrder.sort(boxes);
    }

    /** The outer corners of each row's end pixels: the region's hull is the hull of these. */
    private static List<Point2D> outerCorners(Region region) {
        List<Point2D> corners = new ArrayList<>(4 * region.rowLeft().length);
        for (int row = 0; row < region.rowLeft().length; row++) {
            int y = region.top() + row;
            int left = region.rowLeft()[row];
            int right = region.rowRight()[row] + 1;
            corners.add(new Point2D.Double(left, y));
            corners.add(new Point2D.Double(left, y + 1));
            corners.add(new Point2D.Double(right, y));
            corners.add(new Point2D.Double(right, y + 1));
        }
        return corners;
    }

    /** Map pixels to image pixels, clipped to the image: an unclipped box at the edge may reach past it. */
    private static List<Point2D> toImage(List<Point2D> corners, DetectionResize resize) {
        List<Point2D> mapped = new ArrayList<>(corners.size());
        for (Point2D corner : corners) {
            double x = Math.max(0, Math.min(resize.width(), corner.getX() * resize.scaleX()));
            double y = Math.max(0, Math.min(resize.height(), corner.getY() * resize.scaleY()));
            mapped.add(new Point2D.Double(x, y));
        }
        return mapped;
    }
}
