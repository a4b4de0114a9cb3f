package io.flinkinference.operators.batching;

import io.flinkinference.operators.batching.ThroughputCurve.Point;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The knee of a throughput curve: a curve in, a batch size out. */
class BatchKneeTest {
    private final BatchKnee knee = BatchKnee.DEFAULT;

    @Test
    void aCurveThatRisesThenFlattensHasItsKneeWhereThePlateauStarts() {
        // The classifier's shape: batching pays up to 8, then nothing more (16 is the best by noise only).
        ThroughputCurve curve = ThroughputCurve.of(new Point(1, 400), new Point(2, 700), new Point(4, 950), new Point(8, 1180),
                new Point(16, 1200), new Point(32, 1190));

        assertThat(knee.of(curve)).isEqualTo(8);
    }

    @Test
    void aCurveThatPeaksAndFallsHasItsKneeAtThePeak() {
        // The recognizer on 2 cores (issue 18): 54 records/s at batch 4, 16 at 32.
        ThroughputCurve curve = ThroughputCurve.of(new Point(1, 40), new Point(2, 47), new Point(4, 54), new Point(8, 41),
                new Point(16, 24), new Point(32, 16));

        assertThat(knee.of(curve)).isEqualTo(4);
    }

    @Test
    void aCurveStillRisingAtItsEndHasItsKneeAtTheLargestSize() {
        ThroughputCurve curve = ThroughputCurve.of(new Point(1, 100), new Point(2, 190), new Point(4, 350), new Point(8, 600));

        assertThat(knee.of(curve)).isEqualTo(8);
    }

    @Test
    void pointsWithinTheToleranceOfTheBestCountAsTheBest() {
        // 4 is 4% below the best: noise, so the smaller batch wins; 2 is 6% below, a real difference.
        ThroughputCurve curve = ThroughputCurve.of(new Point(1, 500), new Point(2, 940), new Point(4, 960), new Point(8, 1000),
                new Point(16, 985));

        assertThat(knee.of(curve)).isEqualTo(4);
        assertThat(new BatchKnee(0.07).of(curve)).isEqualTo(2);
        assertThat(new BatchKnee(0).of(curve)).as("no tolerance: the peak").isEqualTo(8);
    }

    @Test
    void aSinglePointIsItsOwnKnee() {
        assertThat(knee.of(ThroughputCurve.of(new Point(16, 300)))).isEqualTo(16);
    }

    @Test
    void pointsGivenOutOfOrderAreReadBySize() {
        ThroughputCurve curve = ThroughputCurve.of(new Point(8, 41), new Point(1, 40), new Point(4, 54), new Point(2, 47));

        assertThat(curve.points()).extracting(Point::batchSize).containsExactly(1, 2, 4, 8);
        assertThat(knee.of(curve)).isEqualTo(4);
        assertThat(curve).hasToString("1: 40/s, 2: 47/s, 4: 54/s, 8: 41/s");
    }

    @Test
    void anEmptyCurveOrATolerancePastOneIsRefused() {
        assertThatThrownBy(() -> knee.of(new ThroughputCurve(java.util.List.of()))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new BatchKnee(1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ThroughputCurve.of(new Point(2, 1), new Point(2, 3))).hasMessageContaining("measured twice");
    }
}
