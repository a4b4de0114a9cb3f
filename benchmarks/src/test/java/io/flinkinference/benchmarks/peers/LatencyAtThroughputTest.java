package io.flinkinference.benchmarks.peers;

import io.flinkinference.benchmarks.peers.LatencyAtThroughput.Estimate;
import io.flinkinference.benchmarks.peers.LatencyAtThroughput.Point;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LatencyAtThroughputTest {
    private static final List<Point> POINTS = List.of(new Point(900, 50), new Point(500, 10));

    @Test
    void interpolatesBetweenMeasuredPointsInAnyOrder() {
        assertThat(LatencyAtThroughput.at(POINTS, 700)).contains(new Estimate(30, false));
        assertThat(LatencyAtThroughput.at(POINTS, 900)).contains(new Estimate(50, false));
    }

    @Test
    void belowTheLowestPointItsLatencyIsAnUpperBound() {
        assertThat(LatencyAtThroughput.at(POINTS, 100)).contains(new Estimate(10, true));
    }

    @Test
    void aboveTheHighestPointNothingIsKnown() {
        assertThat(LatencyAtThroughput.at(POINTS, 901)).isEmpty();
        assertThat(LatencyAtThroughput.at(List.of(), 1)).isEmpty();
    }
}
