package io.flinkinference.benchmarks.peers;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A contestant's latency at a throughput it was not paced at, from the points it was: for
 * comparing two contestants "at equal throughput" when each was measured at fractions of its own
 * capacity. Between two measured points the latency is interpolated linearly; below the lowest it
 * is that point's, as an upper bound (latency does not fall as load rises); above the highest it
 * is unknown: the contestant may already be past its knee there.
 */
final class LatencyAtThroughput {
    private LatencyAtThroughput() {}

    /** A measured load point: the throughput reached and the latency percentile there. */
    record Point(double recordsPerSecond, double millis) {}

    /** @param upperBound whether the latency is a bound from a higher load, not an interpolation */
    record Estimate(double millis, boolean upperBound) {}

    static Optional<Estimate> at(List<Point> measured, double recordsPerSecond) {
        if (measured.isEmpty()) {
            return Optional.empty();
        }
        List<Point> points = measured.stream().sorted(Comparator.comparingDouble(Point::recordsPerSecond)).toList();
        Point lowest = points.get(0);
        if (recordsPerSecond < lowest.recordsPerSecond()) {
            return Optional.of(new Estimate(lowest.millis(), true));
        }
        for (int i = 0; i < points.size(); i++) {
            Point point = points.get(i);
            if (recordsPerSecond == point.recordsPerSecond()) {
                return Optional.of(new Estimate(point.millis(), false));
            }
            if (i + 1 < points.size() && recordsPerSecond < points.get(i + 1).recordsPerSecond()) {
                Point next = points.get(i + 1);
                double share = (recordsPerSecond - point.recordsPerSecond()) / (next.recordsPerSecond() - point.recordsPerSecond());
                return Optional.of(new Estimate(point.millis() + share * (next.millis() - point.millis()), false));
            }
        }
        return Optional.empty();
    }
}
