package io.flinkinference.benchmarks.peers;

import java.util.List;

/**
 * A contestant that measured the engine over batch sizes on its way to its figure (the raw engine,
 * whose best point is the ceiling). The suite keeps the curve for the throughput-vs-batch-size
 * chart; the contestant's own result stays one figure like every other's.
 */
public interface EngineCurve {
    /** The points measured in the last {@link Contestant#run}, in the order measured. */
    List<CurvePoint> curve();
}
