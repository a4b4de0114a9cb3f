package io.flinkinference.operators.batching;

/**
 * Where batching stops paying: the smallest batch size whose throughput is within
 * {@code tolerance} of the best measured. Not the peak itself: on a plateau the peak is wherever
 * noise put it, and a larger batch than needed costs every record latency (it waits for, and rides
 * in, a longer engine call) and memory for nothing. On a curve that falls after its peak (the
 * recognizer on 2 cores: 54 records/s at batch 4, 16 at batch 32) the knee is at or just below the
 * peak; on a curve still rising at its end it is the largest size measured.
 */
public record BatchKnee(double tolerance) {
    /** 5%: a smaller gain is not worth a larger batch's latency, and a short measurement on a shared machine hardly resolves it. */
    public static final BatchKnee DEFAULT = new BatchKnee(0.05);

    public BatchKnee {
        if (!(tolerance >= 0 && tolerance < 1)) {
            throw new IllegalArgumentException("The tolerance is a fraction in [0, 1), not " + tolerance);
        }
    }

    /** The knee of {@code curve}, one of its batch sizes. */
    public int of(ThroughputCurve curve) {
        double good = curve.best().recordsPerSecond() * (1 - tolerance);
        for (ThroughputCurve.Point point : curve.points()) {
            if (point.recordsPerSecond() >= good) {
                return point.batchSize();
            }
        }
        throw new AssertionError("the best point is within any tolerance of itself");
    }

    /** Whether {@code rate} is more than the tolerance below {@code best}: the curve has fallen. */
    public boolean below(double rate, double best) {
        return rate < best * (1 - tolerance);
    }

    @Override
    public String toString() {
        return "the smallest batch within " + Math.round(tolerance * 100) + "% of the best";
    }
}
