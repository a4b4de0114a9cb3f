package io.flinkinference.benchmarks;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Records/s of a bounded job in a MiniCluster of this JVM, from the 10th percent of its results to
 * the last: start-up and model loading are left out. Its sink counts into static fields, since the
 * MiniCluster's subtasks share this JVM; one job at a time ({@link #reset} before each).
 */
public final class SteadyStateThroughput {
    private static final AtomicLong RESULTS = new AtomicLong();
    private static final AtomicLong STEADY_START_NANOS = new AtomicLong();
    private static final AtomicLong LAST_NANOS = new AtomicLong();

    private SteadyStateThroughput() {}

    /** Clears the counts of the job before. */
    public static void reset() {
        RESULTS.set(0);
        STEADY_START_NANOS.set(0);
        LAST_NANOS.set(0);
    }

    /** A sink that counts results, noting when the steady state starts and when the last result came. */
    public static <T> Sink<T> sink(long records) {
        return new CountingSink<>(records);
    }

    /** What the job that just ended ran at, over its steady state. */
    public static double recordsPerSecond(long records) {
        return (records - records / 10) / ((LAST_NANOS.get() - STEADY_START_NANOS.get()) / 1e9);
    }

    private static final class CountingSink<T> implements Sink<T> {
        private static final long serialVersionUID = 1L;
        private final long records;

        CountingSink(long records) {
            this.records = records;
        }

        @Override
        public SinkWriter<T> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(T result, Context ctx) {
                    long count = RESULTS.incrementAndGet();
                    long now = System.nanoTime();
                    if (count == records / 10) {
                        STEADY_START_NANOS.set(now);
                    }
                    LAST_NANOS.accumulateAndGet(now, Math::max);
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }
}
