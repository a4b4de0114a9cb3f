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
 */
public record BatchingConfig(
        int maxBatchSize, long maxQueueDelayMicros, int[] preferredBatchSizes, int maxInflightBatches,
        boolean workConserving)
        implements Serializable {

    /** Work-conserving settings, the default (see the class comment). */
    public BatchingConfig(int maxBatchSize, long maxQueueDelayMicros, int[] preferredBatchSizes, int maxInflightBatches) {
        this(maxBatchSize, maxQueueDelayMicros, preferredBatchSizes, maxInflightBatches, true);
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
        return new BatchingConfig(maxBatchSize, maxQueueDelayMicros, preferredBatchSizes, maxInflightBatches, on);
    }

    /**
     * The same settings with a smaller max batch size (the knee {@link BatchLimitFitter} measured);
     * preferred sizes above it are dropped, since no batch may be larger. Every other setting is kept:
     * a component added to this record must be passed on here too.
     */
    public BatchingConfig withMaxBatchSize(int cap) {
        return new BatchingConfig(cap, maxQueueDelayMicros, Arrays.stream(preferredBatchSizes).filter(size -> size <= cap).toArray(),
                maxInflightBatches, workConserving);
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
        if (queued >= maxBatchSize) {
            return maxBatchSize;
        }
        for (int i = preferredBatchSizes.length - 1; i >= 0; i--) {
            if (preferredBatchSizes[i] <= queued) {
                return preferredBatchSizes[i];
            }
        }
        // Below the preferred sizes: work-conserving takes what there is, else the delay decides.
        return queued > 0 && (workConserving || oldestWaitNanos >= maxQueueDelayNanos()) ? queued : 0;
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
                && workConserving == other.workConserving;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(preferredBatchSizes) + Long.hashCode(maxQueueDelayMicros) * 17
                + maxBatchSize * 7 + maxInflightBatches + (workConserving ? 1 << 20 : 0);
    }

    @Override
    public String toString() {
        return "max batch " + maxBatchSize + (workConserving ? ", work-conserving" : ", max queue delay " + maxQueueDelayMicros + " us")
                + ", preferred " + Arrays.toString(preferredBatchSizes) + ", " + maxInflightBatches + " in flight";
    }
}
