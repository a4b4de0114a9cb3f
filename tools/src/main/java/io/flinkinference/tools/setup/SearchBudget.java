package io.flinkinference.tools.setup;

import java.time.Duration;

/**
 * The wall-clock time the INT8 sensitivity search may take, split between its two phases: two
 * thirds to measure nodes one by one, the rest to try leaving the most sensitive in float. Each
 * phase stops before a step it could not finish in time (judged by the steps so far), so the
 * search overruns by at most one step when a step takes longer than the ones before it.
 */
final class SearchBudget {
    private final long start;
    private final long measuringEnds;
    private final long end;
    private final Duration total;

    private SearchBudget(Duration total, long start) {
        this.total = total;
        this.start = start;
        this.end = start + total.toNanos();
        this.measuringEnds = start + total.toNanos() * 2 / 3;
    }

    static SearchBudget startingNow(Duration total) {
        if (total.isNegative() || total.isZero()) {
            throw new IllegalArgumentException("The search budget must be positive, not " + total.toSeconds() + " s.");
        }
        return new SearchBudget(total, System.nanoTime());
    }

    /** Whether one more measurement of {@code perStepNanos} still ends within the measuring phase. */
    boolean canMeasureAnother(long perStepNanos) {
        return System.nanoTime() + perStepNanos <= measuringEnds;
    }

    /** Whether one more trial of {@code perStepNanos} still ends within the budget. */
    boolean canTryAnother(long perStepNanos) {
        return System.nanoTime() + perStepNanos <= end;
    }

    double elapsedSeconds() {
        return (System.nanoTime() - start) / 1e9;
    }

    Duration total() {
        return total;
    }
}
