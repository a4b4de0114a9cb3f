package io.flinkinference.operators.ocr;

import java.awt.geom.Point2D;
import java.util.List;

/**
 * One detected text line: a (possibly slightly rotated) rectangle in the original image's pixel
 * coordinates, corners in PaddleOCR's order (top-left, top-right, bottom-right, bottom-left: the two
 * leftmost corners are the left side, the higher of them the top), and the detector's mean
 * probability inside it. Points are copied in and out, so a box never changes.
 */
public record TextBox(Point2D topLeft, Point2D topRight, Point2D bottomRight, Point2D bottomLeft, float score) {
    public TextBox {
        topLeft = copy(topLeft);
        topRight = copy(topRight);
        bottomRight = copy(bottomRight);
        bottomLeft = copy(bottomLeft);
    }

    /** The box of these four corners of a rectangle, in any order, put in reading order. */
    public static TextBox ofCorners(List<? extends Point2D> corners, float score) {
        if (corners.size() != 4) {
            throw new IllegalArgumentException("A text box has 4 corners, not " + corners.size());
        }
        Point2D[] byX = corners.stream().sorted((a, b) -> Double.compare(a.getX(), b.getX())).toArray(Point2D[]::new);
        boolean firstOnTop = byX[0].getY() <= byX[1].getY();
        boolean thirdOnTop = byX[2].getY() <= byX[3].getY();
        return new TextBox(firstOnTop ? byX[0] : byX[1], thirdOnTop ? byX[2] : byX[3],
                thirdOnTop ? byX[3] : byX[2], firstOnTop ? byX[1] : byX[0], score);
    }

    @Override
    public Point2D topLeft() {
        return copy(topLeft);
    }

    @Override
    public Point2D topRight() {
        return copy(topRight);
    }

    @Override
    public Point2D bottomRight() {
        return copy(bottomRight);
    }

    @Override
    public Point2D bottomLeft() {
        return copy(bottomLeft);
    }

    /** Along the line: the longer of the top and bottom sides. */
    public double width() {
        return Math.max(topLeft.distance(topRight), bottomLeft.distance(bottomRight));
    }

    /** Across the line: the longer of the left and right sides. */
    public double height() {
        return Math.max(topLeft.distance(bottomLeft), topRight.distance(bottomRight));
    }

    public double centerX() {
        return (topLeft.getX() + topRight.getX() + bottomRight.getX() + bottomLeft.getX()) / 4;
    }

    public double centerY() {
        return (topLeft.getY() + topRight.getY() + bottomRight.getY() + bottomLeft.getY()) / 4;
    }

    /** The smallest x of the four corners. */
    public double left() {
        return Math.min(Math.min(topLeft.getX(), topRight.getX()), Math.min(bottomRight.getX(), bottomLeft.getX()));
    }

    private static Point2D copy(Point2D point) {
        return new Point2D.Double(point.getX(), point.getY());
    }
}
