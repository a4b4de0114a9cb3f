package io.flinkinference.tools.bench;

import io.flinkinference.operators.batching.BatchKnee;
import io.flinkinference.operators.batching.ThroughputCurve;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EngineCurveTest {

    @Test
    void eachBatchSizeTakesItsBestNumberOfCallers() {
        List<EngineSweep.Measurement> sweep = List.of(point(1, 1, 300), point(1, 2, 420), point(4, 1, 900), point(4, 2, 700),
                point(8, 1, 880), point(8, 2, 910));

        ThroughputCurve curve = EngineCurve.of(sweep);

        assertThat(curve.points()).containsExactly(new ThroughputCurve.Point(1, 420), new ThroughputCurve.Point(4, 900),
                new ThroughputCurve.Point(8, 910));
        assertThat(BatchKnee.DEFAULT.of(curve)).isEqualTo(4);
    }

    private static EngineSweep.Measurement point(int batch, int callers, double rate) {
        return new EngineSweep.Measurement(batch, callers, 10, 10L * batch, 1, rate, 1, 2);
    }
}
