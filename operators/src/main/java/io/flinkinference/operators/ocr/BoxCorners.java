package io.flinkinference.operators.ocr;

import java.awt.geom.Point2D;
import java.util.List;

/**
 * A {@link TextBox} as plain numbers, for records that travel between Flink operators: Flink's
 * POJO serializer cannot take {@link Point2D} (an abstract class) without falling back to Kryo.
 *
 * @param xy the corners' coordinates in {@link TextBox}'s order: top-left x, y, top-right x, y,
 *     bottom-right x, y, bottom-left x, y
 */
public record BoxCorners(double[] xy, float score) {

    public BoxCorners {
        if (xy == null || xy.length != 8) {
            throw new IllegalArgumentException("A box has 4 corners of 2 coordinates each");
        }
    }

    public static BoxCorners of(TextBox box) {
        return new BoxCorners(new double[] {
                box.topLeft().getX(), box.topLeft().getY(), box.topRight().getX(), box.topRight().getY(),
                box.bottomRight().getX(), box.bottomRight().getY(), box.bottomLeft().getX(), box.bottomLeft().getY()},
                box.score());
    }

    public TextBox toTextBox() {
        return new TextBox(point(0), point(1), point(2), point(3), score);
    }

    /** The corners as (x, y) pairs, in {@link TextBox}'s order. */
    public List<Point2D> corners() {
        return List.of(point(0), point(1), point(2), point(3));
    }

    private Point2D point(int corner) {
        return new Point2D.Double(xy[2 * corner], xy[2 * corner + 1]);
    }
}
