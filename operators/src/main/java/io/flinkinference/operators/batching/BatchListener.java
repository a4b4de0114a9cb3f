package io.flinkinference.operators.batching;

/** What the batcher reports, for metrics. Called from the batcher's threads. */
public interface BatchListener {
    BatchListener NONE = new BatchListener() {
        @Override
        public void batchCompleted(int size, long inferenceNanos) {}

        @Override
        public void recordQueued(long queueNanos) {}
    };

    /** A batch of {@code size} records (padding excluded) ran in {@code inferenceNanos}. */
    void batchCompleted(int size, long inferenceNanos);

    /** A record waited {@code queueNanos} before its batch was cut. */
    void recordQueued(long queueNanos);
}
