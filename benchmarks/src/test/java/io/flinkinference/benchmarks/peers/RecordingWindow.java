package io.flinkinference.benchmarks.peers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@link MeasuringWindow} that keeps what a contestant told it, for tests to look at. */
final class RecordingWindow implements MeasuringWindow {
    private final Duration duration;
    private final List<Long> latencies = new ArrayList<>();
    private final AtomicInteger begins = new AtomicInteger();
    private final AtomicInteger ends = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();
    private volatile boolean open;

    RecordingWindow(Duration duration) {
        this.duration = duration;
    }

    @Override
    public Duration duration() {
        return duration;
    }

    @Override
    public void begin() {
        begins.incrementAndGet();
        open = true;
    }

    @Override
    public void end() {
        ends.incrementAndGet();
        open = false;
    }

    @Override
    public synchronized void record(long latencyNanos) {
        if (open) {
            latencies.add(latencyNanos);
        }
    }

    @Override
    public void failed() {
        if (open) {
            failures.incrementAndGet();
        }
    }

    synchronized List<Long> latencies() {
        return List.copyOf(latencies);
    }

    int failures() {
        return failures.get();
    }

    /** Whether the contestant opened and closed the window once each. */
    boolean begunAndEndedOnce() {
        return begins.get() == 1 && ends.get() == 1 && !open;
    }

    /** The median latency in milliseconds; fails on an empty window. */
    synchronized double medianMillis() {
        List<Long> sorted = new ArrayList<>(latencies);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2) / 1e6;
    }
}
