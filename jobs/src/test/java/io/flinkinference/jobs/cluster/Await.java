package io.flinkinference.jobs.cluster;

import java.time.Duration;

/**
 * How the cluster tests wait: a condition is checked again and again until it holds or its
 * deadline passes, so that nothing depends on a guessed sleep being long enough.
 */
public final class Await {
    private static final long CHECK_EVERY_MILLIS = 200;

    private Await() {}

    /** Something to check; it may ask the REST API or Kafka and throw when they fail. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    /** Returns once {@code condition} holds; fails naming {@code what} after {@code timeout}. */
    public static void until(String what, Duration timeout, Condition condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Gave up after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(CHECK_EVERY_MILLIS);
        }
    }
}
