package io.flinkinference.operators.ocr;

import org.junit.jupiter.api.Test;

import java.awt.geom.Point2D;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class MinimumAreaRectangleTest {
    @Test
    void theHullLeavesOutInnerAndCollinearPoints() {
        List<Point2D> points = List.of(new Point2D.Double(0, 0), new Point2D.Double(5, 0), new Point2D.Double(10, 0),
                new Point2D.Double(10, 4), new Point2D.Double(0, 4), new Point2D.Double(3, 2), new Point2D.Double(7, 1));

        assertThat(MinimumAreaRectangle.convexHull(points)).containsExactlyInAnyOrder(
                new Point2D.Double(0, 0), new Point2D.Double(10, 0), new Point2D.Double(10, 4), new Point2D.Double(0, 4));
    }

    @Test
    void findsTheRotatedRectangleAroundPointsScatteredInIt() {
        double angle = Math.toRadians(-20);
        Random random = new Random(9);
        List<Point2D> points = new ArrayList<>();
        for (double[] corner : new double[][] {{-60, -10}, {60, -10}, {60, 10}, {-60, 10}}) {
            points.add(rotated(corner[0], corner[1], angle));
        }
        for (int i = 0; i < 500; i++) {
            points.add(rotated(-60 + 120 * random.nextDouble(), -10 + 20 * random.nextDouble(), angle));
        }

        MinimumAreaRectangle rectangle = MinimumAreaRectangle.around(points);

        assertThat(rectangle.area()).isCloseTo(120 * 20, within(1e-6));
        assertThat(Math.max(rectangle.length(), rectangle.breadth())).isCloseTo(120, within(1e-6));
        assertThat(rectangle.center().distance(100, 50)).isLessThan(1e-6);
        assertThat(rectangle.expandedBy(5).area()).isCloseTo(130 * 30, within(1e-6));
    }

    private static Point2D rotated(double u, double v, double angle) {
        return new Point2D.Double(100 + u * Math.cos(angle) - v * Math.sin(angle), 50 + u * Math.sin(angle) + v * Math.cos(angle));
    }
}
