package io.flinkinference.benchmarks.peers;

import io.flinkinference.avro.InferenceResult;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * The load every Kafka contestant serves, and how its answers are timed: one run's topics on the
 * suite's broker ({@link RunTopics}), the workload's images offered to them ({@link ImageOffers})
 * and the answers read back ({@link AnswerReader}), in the same JVM as the contestant, so that a
 * latency is one {@link System#nanoTime()} minus another.
 *
 * <p>A run ({@link #drive}): one record, whose answer says the contestant serves (a MiniCluster
 * takes seconds to start, and that is not latency); then the offering starts and runs for the
 * workload's warm-up, whose answers do not count; then the window, {@link MeasuringWindow#begin}
 * to {@link MeasuringWindow#end}.
 */
public final class KafkaLoad implements AutoCloseable {
    /** How long a contestant may take to give its first answer: a MiniCluster and an engine starting on busy cores. */
    static final Duration FIRST_ANSWER_TIMEOUT = Duration.ofMinutes(2);
    /**
     * How often the run asks whether every part of it still works: often enough to fail within a
     * blink, rarely enough that asking (for the job, a call to its MiniCluster) costs nothing measurable.
     */
    private static final long HEALTH_CHECK_MILLIS = 250;

    /** What the load asks the contestant while it runs: whatever stopped it serving, thrown. */
    @FunctionalInterface
    public interface Serving {
        void checkServing() throws Exception;
    }

    private final Workload workload;
    private final RunTopics topics;
    private final ImageOffers offers;

    private KafkaLoad(Workload workload, RunTopics topics) {
        this.workload = workload;
        this.topics = topics;
        this.offers = new ImageOffers(topics, workload.images(), workload.threads());
    }

    /**
     * Creates the run's topics on the workload's broker, the input with one partition per thread
     * of the workload.
     */
    public static KafkaLoad open(Workload workload, String contestant) {
        return new KafkaLoad(workload, RunTopics.create(workload.bootstrapServers(), contestant, workload.threads()));
    }

    public RunTopics topics() {
        return topics;
    }

    /**
     * Offers the workload at {@code offeredPerSecond} (0: a backlog) and times the answers into
     * {@code window}, through warm-up and window; returns when the window has ended.
     *
     * @param readCommitted whether the contestant writes its answers in transactions, which only
     *     count once committed
     * @param listener sees every answer read, warm-up included (tests check them)
     * @param contestant asked every {@value #HEALTH_CHECK_MILLIS} ms whether it still serves
     */
    public void drive(double offeredPerSecond, MeasuringWindow window, boolean readCommitted,
            Consumer<InferenceResult> listener, Serving contestant) throws Exception {
        try (AnswerReader reader = new AnswerReader(topics, readCommitted, window, offers, listener)) {
            offers.sendFirst();
            awaitFirstAnswer(reader, contestant);
            offers.start(offeredPerSecond);
            serveFor(workload.warmUp(), reader, contestant);
            reader.windowBegan(System.nanoTime());
            window.begin();
            serveFor(window.duration(), reader, contestant);
            window.end();
        } finally {
            offers.stop();
        }
    }

    private void awaitFirstAnswer(AnswerReader reader, Serving contestant) throws Exception {
        long deadline = System.nanoTime() + FIRST_ANSWER_TIMEOUT.toNanos();
        while (!reader.awaitFirstAnswer(Duration.ofMillis(HEALTH_CHECK_MILLIS))) {
            checkHealthy(reader, contestant);
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("No answer on " + topics.answers() + " within " + FIRST_ANSWER_TIMEOUT
                        + " of the first record on " + topics.images());
            }
        }
    }

    /** Lets the run go on for {@code span}, failing as soon as any part of it stops. */
    private void serveFor(Duration span, AnswerReader reader, Serving contestant) throws Exception {
        long end = System.nanoTime() + span.toNanos();
        for (long left = span.toNanos(); left > 0; left = end - System.nanoTime()) {
            checkHealthy(reader, contestant);
            Thread.sleep(Math.min(HEALTH_CHECK_MILLIS, Math.max(1, left / 1_000_000)));
        }
        checkHealthy(reader, contestant);
    }

    private void checkHealthy(AnswerReader reader, Serving contestant) throws Exception {
        offers.checkHealthy();
        reader.checkHealthy();
        contestant.checkServing();
    }

    /** Stops offering and deletes the run's topics: call after the contestant has stopped. */
    @Override
    public void close() throws InterruptedException {
        try {
            offers.close();
        } finally {
            topics.delete();
        }
    }
}
