package io.flinkinference.operators.batching;

import java.util.Arrays;

/**
 * How long the engine takes to run a batch of each size, learnt from the batches it ran: what the
 * batcher needs to hold a latency target ({@link BatchingConfig#latencyTargetNanos()}), since a
 * record's latency is its wait plus the run of the batch it joins.
 *
 * <p>Each size keeps a moving average of its runs, so a slower phase (a noisy neighbour, a
 * throttled GPU) shows within a few batches. A size not seen yet is estimated from its neighbours:
 * between two seen sizes, on the line through them; above the largest seen size, at that size's
 * cost per row, which overestimates (larger batches cost less per row), erring towards the target;
 * below the smallest, at the smallest's cost, also an overestimate. Not thread-safe: the batcher
 * uses it under its lock.
 */
public final class BatchCosts {
    /** Weight of the newest run in a size's average: recent enough to follow, smooth enough to ignore one outlier. */
    static final double NEWEST_WEIGHT = 0.25;
    /** What {@link #predictNanos} says for a batcher that has run nothing yet. */
    public static final long UNKNOWN = -1;

    private final double[] averageNanos;

    public BatchCosts(int maxBatchSize) {
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("max batch size must be at least 1, not " + maxBatchSize);
        }
        averageNanos = new double[maxBatchSize + 1];
        Arrays.fill(averageNanos, Double.NaN);
    }

    /** A batch of {@code rows} records took {@code nanos} to stack and run. Sizes beyond the max are ignored. */
    public void observe(int rows, long nanos) {
        if (rows < 1 || rows >= averageNanos.length || nanos < 0) {
            return;
        }
        double previous = averageNanos[rows];
        averageNanos[rows] = Double.isNaN(previous) ? nanos : previous + NEWEST_WEIGHT * (nanos - previous);
    }

    /** The expected run time of a batch of {@code rows}, or {@link #UNKNOWN} before any batch has run. */
    public long predictNanos(int rows) {
        int size = Math.max(1, Math.min(rows, averageNanos.length - 1));
        if (!Double.isNaN(averageNanos[size])) {
            return Math.round(averageNanos[size]);
        }
        int below = size - 1;
        while (below >= 1 && Double.isNaN(averageNanos[below])) {
            below--;
        }
        int above = size + 1;
        while (above < averageNanos.length && Double.isNaN(averageNanos[above])) {
            above++;
        }
        boolean hasBelow = below >= 1;
        boolean hasAbove = above < averageNanos.length;
        if (hasBelow && hasAbove) {
            double share = (double) (size - below) / (above - below);
            return Math.round(averageNanos[below] + share * (averageNanos[above] - averageNanos[below]));
        }
        if (hasBelow) {
            return Math.round(averageNanos[below] / below * size);
        }
        return hasAbove ? Math.round(averageNanos[above]) : UNKNOWN;
    }
}
