package io.flinkinference.operators.batching;

import java.util.concurrent.locks.Condition;

/**
 * The time the {@link DynamicBatcher} measures queue delays in, and how its dispatcher waits for a
 * delay to run out. Injected so that tests move time themselves ({@link ManualBatchClock}) and
 * batches are cut by the delay exactly when a test says, never by how fast a machine happens to be.
 */
public interface BatchClock {
    /** The JVM's monotonic clock. */
    BatchClock SYSTEM = new BatchClock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void await(Condition condition, long nanos) throws InterruptedException {
            condition.awaitNanos(nanos);
        }

        @Override
        public String toString() {
            return "system clock";
        }
    };

    /** Now, in nanoseconds from an arbitrary origin. */
    long nanoTime();

    /**
     * Waits on {@code condition}, whose lock the caller holds, until it is signalled or
     * {@code nanos} of this clock's time have passed (spurious wake-ups allowed: callers re-check).
     */
    void await(Condition condition, long nanos) throws InterruptedException;

    /**
     * Registers {@code wake}, which signals a waiter, for clocks whose time moves by other means
     * than waiting; {@link AutoCloseable#close} unregisters it.
     */
    default AutoCloseable onAdvance(Runnable wake) {
        return () -> {};
    }
}
