package io.flinkinference.benchmarks.peers;

import io.flinkinference.avro.InferenceResult;
import io.flinkinference.jobs.kafka.OutputReader;
import org.apache.kafka.clients.consumer.ConsumerConfig;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Reads a run's answers and dead letters as they arrive, on a thread of its own, through the
 * project's {@link OutputReader}, and records each answer's latency into the window: from the
 * time its record was due ({@link ImageOffers#OFFERED_AT}) or, for a backlog record, from the
 * start of the window, to the poll that brought it. A dead letter or an answer that does not
 * decode counts as a failure.
 */
final class AnswerReader implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(20);

    private final OutputReader reader;
    private final MeasuringWindow window;
    private final ImageOffers offers;
    private final Consumer<InferenceResult> listener;
    private final CountDownLatch firstAnswer = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean running = true;
    /** When the window began ({@link System#nanoTime()}); {@link Long#MIN_VALUE} before. */
    private volatile long windowStart = Long.MIN_VALUE;

    /**
     * @param readCommitted read only committed answers: for a contestant that writes in
     *     transactions, whose aborted or open transactions must not count
     * @param listener sees every answer read, warm-up included
     */
    AnswerReader(RunTopics topics, boolean readCommitted, MeasuringWindow window, ImageOffers offers,
            Consumer<InferenceResult> listener) {
        Properties isolation = new Properties();
        isolation.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
        this.reader = new OutputReader(topics.bootstrapServers(), topics.answers(), topics.deadLetters(), isolation);
        this.window = window;
        this.offers = offers;
        this.listener = listener;
        this.thread = new Thread(this::readUntilClosed, "peers-answer-reader");
        thread.setDaemon(true);
        thread.start();
    }

    /** Backlog answers from now on count from now. */
    void windowBegan(long nanos) {
        windowStart = nanos;
    }

    /** Waits up to {@code timeout} for the first answer or dead letter; false if none came. */
    boolean awaitFirstAnswer(Duration timeout) throws InterruptedException {
        return firstAnswer.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Throws what stopped the reader, if anything did. */
    void checkHealthy() {
        Throwable e = failure.get();
        if (e != null) {
            throw new IllegalStateException("Reading the answers from Kafka failed: " + e.getMessage(), e);
        }
    }

    private void readUntilClosed() {
        try {
            while (running) {
                OutputReader.Batch batch = reader.poll(POLL);
                long now = System.nanoTime();
                for (InferenceResult answer : batch.results()) {
                    listener.accept(answer);
                    String offeredAt = answer.getHeaders().get(ImageOffers.OFFERED_AT);
                    long from = offeredAt != null ? Long.parseLong(offeredAt) : windowStart;
                    if (from != Long.MIN_VALUE) {
                        window.record(now - from);
                    }
                    answered();
                }
                for (int i = 0; i < batch.deadLetters().size() + batch.unreadable().size(); i++) {
                    window.failed();
                    answered();
                }
            }
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
        }
    }

    private void answered() {
        offers.answered();
        firstAnswer.countDown();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join();
        reader.close();
    }
}
