package io.flinkinference.cli;

/**
 * The time from a demo's first answer to its latest, for its throughput: counting from the first
 * answer rather than from the start leaves out the job's start-up, and the first answer itself
 * (it opens the window) is not counted in it.
 */
final class ArrivalWindow {
    private long firstMillis;
    private long lastMillis;

    /** Answers arrived at {@code nowMillis}. */
    void arrived(long nowMillis) {
        firstMillis = firstMillis == 0 ? nowMillis : firstMillis;
        lastMillis = nowMillis;
    }

    /** Answers per second over the window, {@code answers} in all; 0 before two arrivals. */
    double perSecond(int answers) {
        return lastMillis > firstMillis ? (answers - 1) * 1000.0 / (lastMillis - firstMillis) : 0;
    }
}
