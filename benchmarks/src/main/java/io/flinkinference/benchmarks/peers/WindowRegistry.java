package io.flinkinference.benchmarks.peers;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * Where a job's sink, which Flink serializes and opens inside the MiniCluster, finds the measuring
 * window of its run: the MiniCluster runs in the contestant's JVM, so a static map is shared, and
 * the sink carries only the key.
 */
final class WindowRegistry {
    private static final Map<String, Entry> ENTRIES = new ConcurrentHashMap<>();

    private WindowRegistry() {}

    /** A run's window, whether it serves a backlog, when its span began, and whether any answer came yet. */
    static final class Entry {
        final MeasuringWindow window;
        final boolean backlog;
        final CountDownLatch firstAnswer = new CountDownLatch(1);
        volatile long beginNanos = Long.MAX_VALUE;

        Entry(MeasuringWindow window, boolean backlog) {
            this.window = window;
            this.backlog = backlog;
        }

        /** Begins the window and notes when, for backlog latencies. */
        void begin() {
            beginNanos = System.nanoTime();
            window.begin();
        }

        /**
         * One answer. A backlog record counts as offered when the window began (the contract's
         * rule), or at its making when that came later.
         */
        void answered(Answer answer) {
            firstAnswer.countDown();
            if (answer.failed()) {
                window.failed();
                return;
            }
            long offered = backlog ? Math.max(answer.offeredNanos(), beginNanos) : answer.offeredNanos();
            window.record(System.nanoTime() - offered);
        }
    }

    static String register(Entry entry) {
        String key = UUID.randomUUID().toString();
        ENTRIES.put(key, entry);
        return key;
    }

    static Entry get(String key) {
        Entry entry = ENTRIES.get(key);
        if (entry == null) {
            throw new IllegalStateException("No measuring window under " + key + ": the sink runs outside the contestant's JVM?");
        }
        return entry;
    }

    static void remove(String key) {
        ENTRIES.remove(key);
    }
}
