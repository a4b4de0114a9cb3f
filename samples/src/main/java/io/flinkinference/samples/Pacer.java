package io.flinkinference.samples;

import java.util.concurrent.TimeUnit;

/**
 * Spaces a sender's records evenly at a rate, against the time the pacer was made rather than the
 * previous send, so that a slow send is caught up instead of lowering the rate. A rate of 0 or
 * less means as fast as possible. For one thread.
 */
public final class Pacer {
    private final long intervalNanos;
    private long next;

    /** @param perSecond records per second; 0 or less: no pacing */
    public Pacer(double perSecond) {
        this.intervalNanos = perSecond > 0 ? (long) (TimeUnit.SECONDS.toNanos(1) / perSecond) : 0;
        this.next = System.nanoTime();
    }

    /**
     * Waits until the next record is due.
     *
     * @return when it was due ({@link System#nanoTime()}), which is earlier than now when the
     *     sender has fallen behind: a latency measured from it includes the wait the sender caused,
     *     as it would for a user's request; without pacing, now
     */
    public long awaitNext() throws InterruptedException {
        if (intervalNanos == 0) {
            return System.nanoTime();
        }
        next += intervalNanos;
        long wait = next - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
        return next;
    }
}
