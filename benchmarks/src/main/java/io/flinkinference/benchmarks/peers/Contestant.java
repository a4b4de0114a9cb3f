package io.flinkinference.benchmarks.peers;

/**
 * One way of serving a model that the peer suite ({@code PeerSuite}) puts side by side with the
 * others: the raw engine, the project's function with and without Kafka, DJL in a Flink map
 * function, a hand-written Kafka consumer loop. Each run of a contestant happens in a JVM of its
 * own, so that CPU time, heap and resident memory belong to that contestant alone.
 *
 * <p>A contestant gets its records from the {@link Workload} and reports each record's latency
 * from the moment it was offered (for a paced run, its scheduled time; for a backlog, the start of
 * the window) to the moment its answer was in hand, into {@link MeasuringWindow#record}. It calls
 * {@link MeasuringWindow#begin} after its own warm-up and {@link MeasuringWindow#end} when the
 * measured span is over; only what happens between the two counts.
 */
public interface Contestant {
    /** A short, stable name, used on the command line and in the tables: e.g. {@code djl-per-record}. */
    String name();

    /** Whether this contestant reads its records from Kafka and writes its answers there. */
    boolean usesKafka();

    /**
     * Serves the workload's records for {@code window.duration()}, offered at
     * {@code offeredPerSecond} (zero: as fast as the contestant takes them, from a backlog).
     */
    void run(Workload workload, double offeredPerSecond, MeasuringWindow window) throws Exception;
}
