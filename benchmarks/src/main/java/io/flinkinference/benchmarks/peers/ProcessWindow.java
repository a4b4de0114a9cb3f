package io.flinkinference.benchmarks.peers;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * The measuring window of a contestant run in its own JVM: counts answered and failed records
 * between {@link #begin} and {@link #end}, their latencies (HdrHistogram, 3 significant digits),
 * the process's CPU time over the span and its memory peaks. Everything a record costs in this
 * process counts (Flink, the engine, the garbage collector), which is why each run has a JVM of
 * its own.
 */
public final class ProcessWindow implements MeasuringWindow {
    private final Duration duration;
    private final Histogram latencies = new ConcurrentHistogram(3);
    private final LongAdder records = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final ResourcePeaks peaks = new ResourcePeaks();
    private final com.sun.management.OperatingSystemMXBean system =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private volatile boolean open;
    private long beginNanos;
    private long endNanos;
    private long beginCpuNanos;
    private long endCpuNanos;

    public ProcessWindow(Duration duration) {
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("A measuring window must last, not " + duration);
        }
        this.duration = duration;
    }

    @Override
    public Duration duration() {
        return duration;
    }

    @Override
    public synchronized void begin() {
        if (beginNanos != 0) {
            throw new IllegalStateException("The window has already begun");
        }
        peaks.start();
        beginCpuNanos = system.getProcessCpuTime();
        beginNanos = System.nanoTime();
        open = true;
    }

    @Override
    public synchronized void end() {
        if (beginNanos == 0 || endNanos != 0) {
            throw new IllegalStateException("The window ends once, after it began");
        }
        open = false;
        endNanos = System.nanoTime();
        endCpuNanos = system.getProcessCpuTime();
        peaks.stop();
    }

    @Override
    public void record(long latencyNanos) {
        if (open) {
            latencies.recordValue(Math.max(0, latencyNanos));
            records.increment();
        }
    }

    @Override
    public void failed() {
        if (open) {
            failures.increment();
        }
    }

    /** What the window measured; only after {@link #end}. */
    public synchronized RunResult result(String contestant, String model, double offeredPerSecond) {
        if (endNanos == 0) {
            throw new IllegalStateException("The window has not ended; the contestant never called end()");
        }
        long answered = records.sum();
        double seconds = (endNanos - beginNanos) / 1e9;
        double cpuMillis = (endCpuNanos - beginCpuNanos) / 1e6;
        return new RunResult(contestant, model, offeredPerSecond, answered, seconds, answered / seconds,
                millisAt(50), millisAt(99), millisAt(99.9), failures.sum(),
                answered == 0 ? 0 : cpuMillis / answered,
                peaks.peakHeapBytes() / (1024.0 * 1024.0), peaks.peakRssBytes() / (1024.0 * 1024.0), java.util.List.of());
    }

    private double millisAt(double percentile) {
        return latencies.getTotalCount() == 0 ? 0 : latencies.getValueAtPercentile(percentile) / 1e6;
    }
}
