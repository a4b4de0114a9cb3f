package io.flinkinference.benchmarks.peers;

import java.time.Duration;

/**
 * The measured span of one contestant run, as the contestant sees it: it says when the span
 * begins and ends, and records each answered record's latency. Thread-safe: answers may arrive on
 * any thread.
 */
public interface MeasuringWindow {
    /** How long the contestant should serve records between {@link #begin} and {@link #end}. */
    Duration duration();

    /** Marks the start of the measured span, after the contestant's warm-up. */
    void begin();

    /** Marks its end; records answered after it do not count. */
    void end();

    /** One record answered, {@code latencyNanos} after it was offered. Ignored outside the span. */
    void record(long latencyNanos);

    /** One record that got no answer (an error, a dead letter). Ignored outside the span. */
    void failed();
}
