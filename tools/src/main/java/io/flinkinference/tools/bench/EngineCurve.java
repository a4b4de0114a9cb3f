package io.flinkinference.tools.bench;

import io.flinkinference.operators.batching.ThroughputCurve;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The engine sweep as a throughput curve over batch sizes: at each size the best of its numbers of
 * callers, since the function runs several batches at once and the question is what a batch size
 * can reach, not what one caller does.
 */
public final class EngineCurve {
    private EngineCurve() {}

    public static ThroughputCurve of(List<EngineSweep.Measurement> sweep) {
        Map<Integer, Double> best = new TreeMap<>();
        for (EngineSweep.Measurement m : sweep) {
            best.merge(m.batchSize(), m.recordsPerSecond(), Math::max);
        }
        return new ThroughputCurve(best.entrySet().stream()
                .map(e -> new ThroughputCurve.Point(e.getKey(), e.getValue())).toList());
    }
}
