package io.flinkinference.operators.batching;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Records per second an engine reached at each measured batch size, smallest size first: what
 * {@link BatchKnee} reads, measured at warm-up ({@link BatchSizeSweep}) or by {@code bench}.
 */
public record ThroughputCurve(List<Point> points) {

    /** One measured batch size. */
    public record Point(int batchSize, double recordsPerSecond) {
        public Point {
            if (batchSize < 1 || !(recordsPerSecond >= 0)) {
                throw new IllegalArgumentException("A point needs a batch size of at least 1 and a rate of at least 0, not "
                        + batchSize + " and " + recordsPerSecond);
            }
        }
    }

    public ThroughputCurve {
        List<Point> sorted = new ArrayList<>(points);
        sorted.sort(Comparator.comparingInt(Point::batchSize));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).batchSize() == sorted.get(i - 1).batchSize()) {
                throw new IllegalArgumentException("Batch size " + sorted.get(i).batchSize() + " is measured twice");
            }
        }
        points = List.copyOf(sorted);
    }

    public static ThroughputCurve of(Point... points) {
        return new ThroughputCurve(List.of(points));
    }

    public boolean isEmpty() {
        return points.isEmpty();
    }

    /** The highest rate measured; of equal rates, the smaller batch. */
    public Point best() {
        if (points.isEmpty()) {
            throw new IllegalStateException("Nothing was measured");
        }
        Point best = points.get(0);
        for (Point point : points) {
            if (point.recordsPerSecond() > best.recordsPerSecond()) {
                best = point;
            }
        }
        return best;
    }

    public int largestBatchSize() {
        return points.get(points.size() - 1).batchSize();
    }

    /** "1: 812/s, 2: 1020/s, 4: 1131/s", for one log line. */
    @Override
    public String toString() {
        return points.stream().map(p -> p.batchSize() + ": " + Math.round(p.recordsPerSecond()) + "/s")
                .collect(Collectors.joining(", "));
    }
}
