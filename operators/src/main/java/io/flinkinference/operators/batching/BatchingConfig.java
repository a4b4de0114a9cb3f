package io.flinkinference.operators.batching;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The dynamic batcher's settings, with Triton's meaning: batches of at most {@code maxBatchSize}
 * records; when enough records wait, a batch of the largest {@code preferredBatchSizes} entry that
 * fits is cut at once; at most {@code maxInflightBatches} batches per member (a subtask's function)
 * run on the engine at a time.
 *
 * <p>{@code workConserving} says what a context that has nothing to do does with a smaller queue.
 * On (the default), it takes what is queued at once, as Triton does with no queue delay: an engine
 * never idles while records wait, and batches still grow under load, because records queue while
 * every context is busy. Off, a record waits up to {@code maxQueueDelayMicros} for others to join
 * it even while a context idles, which gives fewer, larger batches below capacity at the price of
 * latency. The delay only applies with work-conserving off: with it on, a record waits exactly as
 * long as every context is busy.
 *
 * <p>{@code latencyTargetMicros}, when above zero, replaces both: a record waits for company while
 * a context idles only as long as the batch it is in would still be done within the target, by
 * the run times the batcher has seen ({@link BatchCosts}). Below capacity batches then grow as far
 * as the target allows (less engine work per record than work-conserving, a bounded cost in
 * latency); before the batcher has seen a batch run, it cuts at once.
 */
public record BatchingConfig(
        int maxBatchSize, long maxQueueDelayMicros, int[] preferredBatchSizes, int maxInflightBatches,
        boolean workConserving, long latencyTargetMicros)
        implements Serializable {

    /** Work-conserving settings, the default (see the class comment). */
    public BatchingConfig(int maxBatchSize, long maxQueueDelayMicros, int[] preferredBatchSizes, int maxInflightBatches) {
        this(maxBatchSize, maxQueueDelayMicros, preferredBatchSizes, maxInflightBatches, true);
    }

    /** Settings without a latency target. */
    public BatchingConfig(int maxBatchSize, long maxQueueDelayMicros, int[] preferredBatchSizes, int maxInflightBatches,
            boolean workConserving) {
        this(maxBatchSize, maxQueueDelayMicros, preferredBatchSizes, maxInflightBatches, workConserving, 0);
    }

    public BatchingConfig {
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("max batch size must be at least 1, not " + maxBatchSize);
        }
        if (maxQueueDelayMicros < 0) {
            throw new IllegalArgumentException("max queue delay must not be negative, not " + maxQueueDelayMicros + " us");
        }
        if (maxInflightBatches < 1) {
            throw new IllegalArgumentException("max in-flight batches must be at least 1, not " + maxInflightBatches);
        }
        if (latencyTargetMicros < 0) {
            throw new IllegalArgumentException("the latency target must not be negative, not " + latencyTargetMicros + " us");
        }
        preferredBatchSizes = preferredBatchSizes == null ? new int[0] : preferredBatchSizes.clone();
        Arrays.sort(preferredBatchSizes);
        for (int size : preferredBatchSizes) {
            if (size < 1 || size > maxBatchSize) {
                throw new IllegalArgumentException(
                        "preferred batch size " + size + " must be between 1 and the max batch size " + maxBatchSize);
            }
        }
    }

    /**
     * The batch sizes a slot warms its engine contexts up with: the preferred sizes and the
     * largest, which the batcher cuts most; without preferred sizes, the powers of two up to the
     * largest as well, since partial batches under a queue delay take any size.
     */
    public int[] warmUpBatchSizes() {
        java.util.TreeSet<Integer> sizes = new java.util.TreeSet<>();
        for (int size : preferredBatchSizes) {
            sizes.add(size);
        }
        if (preferredBatchSizes.length == 0) {
            for (int size = 1; size < maxBatchSize; size *= 2) {
                sizes.add(size);
            }
        }
        sizes.add(maxBatchSize);
        return sizes.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The same settings, with work-conserving cutting on or off. */
    public BatchingConfig withWorkConserving(boolean on) {
        return new BatchingConfig(maxBatchSize, maxQueueDelayMicros, preferredBatchSizes, maxInflightBatches, on,
                latencyTargetMicros);
    }

    /** The same settings with a latency target ({@link java.time.Duration#ZERO}: none). */
    public BatchingConfig withLatencyTarget(java.time.Duration target) {
        return new BatchingConfig(maxBatchSize, maxQueueDelayMicros, preferredBatchSizes, maxInflightBatches,
                workConserving, target.toNanos() / 1_000);
    }

    public boolean hasLatencyTarget() {
        return latencyTargetMicros > 0;
    }

    public long latencyTargetNanos() {
        return latencyTargetMicros * 1_000;
    }

    /**
     * The same settings with a smaller max batch size (the knee {@link BatchLimitFitter} measured);
     * preferred sizes above it are dropped, since no batch may be larger. Every other setting is kept:
     * a component added to this record must be passed on here too.
     */
    public BatchingConfig withMaxBatchSize(int cap) {
        return new BatchingConfig(cap, maxQueueDelayMicros, Arrays.stream(preferredBatchSizes).filter(size -> size <= cap).toArray(),
                maxInflightBatches, workConserving, latencyTargetMicros);
    }

    @Override
    public int[] preferredBatchSizes() {
        return preferredBatchSizes.clone();
    }

    /**
     * How many of {@code queued} records to cut into a batch now for a context that is idle, given
     * how long the oldest has waited; 0 means wait. The batcher asks only when a context is idle:
     * while all are busy nothing can run, so records wait whatever this says. Pure, so that the
     * policy is tested without clocks or threads.
     */
    public int cutSize(int queued, long oldestWaitNanos) {
        return cutSize(queued, oldestWaitNanos, null);
    }

    /**
     * As {@link #cutSize(int, long)}, with the run times seen so far, which a latency target needs
     * ({@code costs} may be null without one).
     */
    public int cutSize(int queued, long oldestWaitNanos, BatchCosts costs) {
        if (queued >= maxBatchSize) {
            return maxBatchSize;
        }
        for (int i = preferredBatchSizes.length - 1; i >= 0; i--) {
            if (preferredBatchSizes[i] <= queued) {
                return preferredBatchSizes[i];
            }
        }
        if (queued == 0) {
            return 0;
        }
        if (hasLatencyTarget()) {
            return nanosUntilDue(queued, oldestWaitNanos, costs) <= 0 ? queued : 0;
        }
        // Below the preferred sizes: work-conserving takes what there is, else the delay decides.
        return workConserving || oldestWaitNanos >= maxQueueDelayNanos() ? queued : 0;
    }

    /**
     * How long {@code queued} records, the oldest of which has waited {@code oldestWaitNanos}, may
     * still wait for company with a context idle; zero or less: they are due now. With a latency
     * target that is the target less the wait so far and the expected run of their batch (due at
     * once while no run time is known); without, what is left of the queue delay.
     */
    public long nanosUntilDue(int queued, long oldestWaitNanos, BatchCosts costs) {
        if (!hasLatencyTarget()) {
            return workConserving ? 0 : maxQueueDelayNanos() - oldestWaitNanos;
        }
        long run = costs == null ? BatchCosts.UNKNOWN : costs.predictNanos(queued);
        return run == BatchCosts.UNKNOWN ? 0 : latencyTargetNanos() - run - oldestWaitNanos;
    }

    public long maxQueueDelayNanos() {
        return maxQueueDelayMicros * 1_000;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BatchingConfig other
                && maxBatchSize == other.maxBatchSize
                && maxQueueDelayMicros == other.maxQueueDelayMicros
                && Arrays.equals(preferredBatchSizes, other.preferredBatchSizes)
                && maxInflightBatches == other.maxInflightBatches
                && workConserving == other.workConserving
                && latencyTargetMicros == other.latencyTargetMicros;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(preferredBatchSizes) + Long.hashCode(maxQueueDelayMicros) * 17
                + maxBatchSize * 7 + maxInflightBatches + (workConserving ? 1 << 20 : 0) + Long.hashCode(latencyTargetMicros) * 131;
    }

    @Override
    public String toString() {
        String policy = hasLatencyTarget() ? ", latency target " + latencyTargetMicros + " us"
                : workConserving ? ", work-conserving" : ", max queue delay " + maxQueueDelayMicros + " us";
        return "max batch " + maxBatchSize + policy
                + ", preferred " + Arrays.toString(preferredBatchSizes) + ", " + maxInflightBatches + " in flight";
    }
}
