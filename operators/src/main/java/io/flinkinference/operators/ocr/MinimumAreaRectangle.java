package io.flinkinference.operators.ocr;

import java.awt.geom.Point2D;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The smallest-area rectangle, at any angle, around a set of points: their convex hull (Andrew's
 * monotone chain), then one candidate rectangle per hull edge, since the minimum rectangle has a side
 * along some edge of the hull (the theorem rotating calipers rest on). Trying every edge against
 * every hull point is quadratic in the hull's size, which for a text region's hull is a few dozen
 * points; calipers would save nothing worth their bookkeeping. Rotated rather than axis-aligned, so
 * that slightly tilted lines (a photographed page) get a tight box and crop upright.
 */
record MinimumAreaRectangle(Point2D center, double axisX, double axisY, double length, double breadth) {

    /** Rectangle of the given points; at least three of them must not be collinear. */
    static MinimumAreaRectangle around(List<Point2D> points) {
        List<Point2D> hull = convexHull(points);
        if (hull.size() < 3) {
            throw new IllegalArgumentException("A rectangle needs points spanning an area, got " + points.size() + " collinear ones");
        }
        MinimumAreaRectangle best = null;
        for (int i = 0; i < hull.size(); i++) {
            Point2D from = hull.get(i);
            Point2D to = hull.get((i + 1) % hull.size());
            double edge = from.distance(to);
            double ux = (to.getX() - from.getX()) / edge;
            double uy = (to.getY() - from.getY()) / edge;
            double minU = Double.POSITIVE_INFINITY;
            double maxU = Double.NEGATIVE_INFINITY;
            double minV = Double.POSITIVE_INFINITY;
            double maxV = Double.NEGATIVE_INFINITY;
            for (Point2D p : hull) {
                double u = p.getX() * ux + p.getY() * uy;
                double v = -p.getX() * uy + p.getY() * ux;
                minU = Math.min(minU, u);
                maxU = Math.max(maxU, u);
                minV = Math.min(minV, v);
                maxV = Math.max(maxV, v);
            }
            double area = (maxU - minU) * (maxV - minV);
            if (best == null || area < best.area() - 1e-9) {
                double cu = (minU + maxU) / 2;
                double cv = (minV + maxV) / 2;
                Point2D center = new Point2D.Double(cu * ux - cv * uy, cu * uy + cv * ux);
                best = new MinimumAreaRectangle(center, ux, uy, maxU - minU, maxV - minV);
            }
        }
        return best;
    }

    double area() {
        return length * breadth;
    }

    double perimeter() {
        return 2 * (length + breadth);
    }

    /** The shorter side. */
    double shortSide() {
        return Math.min(length, breadth);
    }

    /** This rectangle with every side pushed out by {@code distance}. */
    MinimumAreaRectangle expandedBy(double distance) {
        return new MinimumAreaRectangle(center, axisX, axisY, length + 2 * distance, breadth + 2 * distance);
    }

    /** The four corners, going round. */
    List<Point2D> corners() {
        double hu = length / 2;
        double hv = breadth / 2;
        List<Point2D> corners = new ArrayList<>(4);
        for (double[] sign : new double[][] {{-1, -1}, {1, -1}, {1, 1}, {-1, 1}}) {
            double u = sign[0] * hu;
            double v = sign[1] * hv;
            corners.add(new Point2D.Double(center.getX() + u * axisX - v * axisY, center.getY() + u * axisY + v * axisX));
        }
        return corners;
    }

    /** Counter-clockwise hull (in y-down image coordinates, clockwise on screen), without collinear points. */
    static List<Point2D> convexHull(List<Point2D> points) {
        List<Point2D> sorted = new ArrayList<>(points);
        sorted.sort(Comparator.comparingDouble(Point2D::getX).thenComparingDouble(Point2D::getY));
        int n = sorted.size();
        if (n < 3) {
            return sorted;
        }
        Point2D[] hull = new Point2D[2 * n];
        int k = 0;
        for (Point2D p : sorted) {
            while (k >= 2 && cross(hull[k - 2], hull[k - 1], p) <= 0) {
                k--;
            }
            hull[k++] = p;
        }
        for (int i = n - 2, lower = k + 1; i >= 0; i--) {
            Point2D p = sorted.get(i);
            while (k >= lower && cross(hull[k - 2], hull[k - 1], p) <= 0) {
                k--;
            }
            hull[k++] = p;
        }
        return new ArrayList<>(Arrays.asList(hull).subList(0, k - 1));
    }

    private static double cross(Point2D o, Point2D a, Point2D b) {
        return (a.getX() - o.getX()) * (b.getY() - o.getY()) - (a.getY() - o.getY()) * (b.getX() - o.getX());
    }
}
