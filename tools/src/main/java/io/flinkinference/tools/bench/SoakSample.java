package io.flinkinference.tools.bench;

/**
 * One sample of a soak: the memory levels at {@code seconds} after the job was submitted, and what
 * the function did since the sample before.
 *
 * @param heapCommittedBytes the heap the JVM has taken from the system, part of RSS; reported, not judged
 * @param records results that came out in the interval
 * @param p99Millis the 99th percentile latency (making to result) of those records; NaN when none came
 */
public record SoakSample(int index, double seconds, long heapAfterGcBytes, long heapCommittedBytes, long directBytes, long rssBytes,
        long records,
        double intervalSeconds, double p99Millis) {

    public double recordsPerSecond() {
        return records / intervalSeconds;
    }
}
