package io.flinkinference.benchmarks.peers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.List;

/**
 * What one contestant run measured in its own JVM, as {@link ContestantProcess} prints it: one
 * JSON object on one line, which the suite reads back. Latencies are 0 when no record was
 * answered; such a run has {@code records == 0} and says nothing.
 *
 * @param offeredPerSecond the paced rate, 0 for a backlog (capacity)
 * @param seconds the measured span between the window's begin and end
 * @param cpuMillisPerRecord the process's CPU time over the span (every thread: Flink, the engine,
 *     the garbage collector), per answered record
 * @param peakHeapMb the most heap in use at any 100 ms sample within the span
 * @param peakRssMb the most resident memory (VmRSS) at any sample: heap, native engine memory,
 *     direct buffers and the JVM itself
 * @param curve the raw engine's throughput curve, for contestants that measure one; empty otherwise
 */
public record RunResult(String contestant, String model, double offeredPerSecond, long records, double seconds,
        double recordsPerSecond, double p50Millis, double p99Millis, double p999Millis, long failures,
        double cpuMillisPerRecord, double peakHeapMb, double peakRssMb, List<CurvePoint> curve) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public RunResult {
        curve = curve == null ? List.of() : List.copyOf(curve);
    }

    /** The same run with its engine curve attached. */
    public RunResult withCurve(List<CurvePoint> points) {
        return new RunResult(contestant, model, offeredPerSecond, records, seconds, recordsPerSecond, p50Millis, p99Millis,
                p999Millis, failures, cpuMillisPerRecord, peakHeapMb, peakRssMb, points);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write a run result as JSON", e);
        }
    }

    public static RunResult fromJson(String line) {
        try {
            return JSON.readValue(line, RunResult.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Not a contestant run's result: " + line, e);
        }
    }
}
