package io.flinkinference.operators.batching;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The dynamic batcher's settings, with Triton's meaning: batches of at most {@code maxBatchSize}
 * records; a record waits at most {@code maxQueueDelayMicros} for others to join it; when enough
 * records wait, a batch of the largest {@code preferredBatchSizes} entry that fits is cut at once;
 * at most {@code maxInflightBatches} batches per member (a subtask's function) run on the engine at a time.
 */
public record BatchingConfig(
        int maxBatchSize, long maxQueueDelayMicros, int[] preferredBatchSizes, int maxInflightBatches)
        implements Serializable {

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

    @Override
    public int[] preferredBatchSizes() {
        return preferredBatchSizes.clone();
    }

    /**
     * How many of {@code queued} records to cut into a batch now, given how long the oldest has
     * waited; 0 means wait. Pure, so that the policy is tested without clocks or threads.
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
        return queued > 0 && oldestWaitNanos >= maxQueueDelayNanos() ? queued : 0;
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
                && maxInflightBatches == other.maxInflightBatches;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(preferredBatchSizes) + Long.hashCode(maxQueueDelayMicros) * 17
                + maxBatchSize * 7 + maxInflightBatches;
    }

    @Override
    public String toString() {
        return "max batch " + maxBatchSize + ", max queue delay " + maxQueueDelayMicros + " us, preferred "
                + Arrays.toString(preferredBatchSizes) + ", " + maxInflightBatches + " in flight";
    }
}
