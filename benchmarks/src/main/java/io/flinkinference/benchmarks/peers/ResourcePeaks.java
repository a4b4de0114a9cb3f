package io.flinkinference.benchmarks.peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The most heap in use and the most resident memory of this process, sampled every 100 ms while
 * started: a peak between samples is missed, which for memory that grows and shrinks over
 * seconds (batches, buffers, garbage) is close enough.
 */
final class ResourcePeaks {
    static final long SAMPLE_MILLIS = 100;
    private static final Path STATUS = Path.of("/proc/self/status");

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final AtomicLong peakHeapBytes = new AtomicLong();
    private final AtomicLong peakRssBytes = new AtomicLong();
    private ScheduledExecutorService sampler;

    synchronized void start() {
        if (sampler != null) {
            throw new IllegalStateException("Already sampling");
        }
        sampler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "resource-peaks");
            thread.setDaemon(true);
            return thread;
        });
        sampler.scheduleAtFixedRate(this::sample, 0, SAMPLE_MILLIS, TimeUnit.MILLISECONDS);
    }

    synchronized void stop() {
        if (sampler != null) {
            sampler.shutdownNow();
            sample(); // the last moment of the span counts too
        }
    }

    long peakHeapBytes() {
        return peakHeapBytes.get();
    }

    long peakRssBytes() {
        return peakRssBytes.get();
    }

    private void sample() {
        peakHeapBytes.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
        peakRssBytes.accumulateAndGet(rssBytes(), Math::max);
    }

    /** VmRSS from {@code /proc/self/status} (Linux); 0 where the file does not exist. */
    static long rssBytes() {
        if (!Files.isReadable(STATUS)) {
            return 0;
        }
        try {
            return parseVmRss(Files.readString(STATUS));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + STATUS, e);
        }
    }

    /** The {@code VmRSS:  123456 kB} line of a status file, in bytes; 0 when it has none. */
    static long parseVmRss(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                String[] fields = line.substring("VmRSS:".length()).trim().split("\\s+");
                return Long.parseLong(fields[0]) * 1024;
            }
        }
        return 0;
    }
}
