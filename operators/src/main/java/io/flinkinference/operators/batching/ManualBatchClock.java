package io.flinkinference.operators.batching;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;

/**
 * A {@link BatchClock} that stands still until {@link #advance} moves it, for tests (as Flink's
 * {@code ManualClock}, which cannot wake a waiting batcher): a record then waits its queue delay
 * exactly when the test says, and the queue time a result reports is exact.
 */
public final class ManualBatchClock implements BatchClock {
    private final AtomicLong now = new AtomicLong();
    private final Set<Runnable> waiters = ConcurrentHashMap.newKeySet();

    @Override
    public long nanoTime() {
        return now.get();
    }

    /** Waits for a signal only: this clock's time passes in {@link #advance}, which signals. */
    @Override
    public void await(Condition condition, long nanos) throws InterruptedException {
        condition.await();
    }

    @Override
    public AutoCloseable onAdvance(Runnable wake) {
        waiters.add(wake);
        return () -> waiters.remove(wake);
    }

    /** Moves the time on and wakes the batchers on this clock, so they cut what is now due. */
    public void advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("A clock does not go back; advance by " + by + " asked");
        }
        now.addAndGet(by.toNanos());
        waiters.forEach(Runnable::run);
    }
}
