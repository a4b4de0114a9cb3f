package io.flinkinference.operators.batching;

/** What the batcher reports to one of its members, for metrics. Called from the batcher's threads. */
public interface BatchListener {
    BatchListener NONE = new BatchListener() {
        @Override
        public void batchCompleted(int batchSize, int records, long stackNanos, long inferenceNanos) {}

        @Override
        public void recordQueued(long queueNanos) {}
    };

    /**
     * A batch of {@code batchSize} records (padding excluded) was stacked into the engine's inputs in
     * {@code stackNanos} and ran in {@code inferenceNanos}, and {@code records} of them were this
     * listener's: all of them, unless the batcher is shared by several task slots.
     */
    void batchCompleted(int batchSize, int records, long stackNanos, long inferenceNanos);

    /** A record waited {@code queueNanos} before its batch was cut. */
    void recordQueued(long queueNanos);
}
