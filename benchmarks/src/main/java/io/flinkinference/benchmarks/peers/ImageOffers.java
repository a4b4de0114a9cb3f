package io.flinkinference.benchmarks.peers;

import io.flinkinference.avro.ImageEncoding;
import io.flinkinference.jobs.kafka.ImageProducer;
import io.flinkinference.samples.Pacer;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Offers the workload's images to a run's input topic as Avro {@code ImageRecord}s, through the
 * project's {@link ImageProducer}, the producer its users send with (and so with its 5 ms linger,
 * which a user's records wait too), from a thread of its own: paced at a rate, each record
 * carrying the time it was due in the header {@link #OFFERED_AT}; or, at rate 0, as a backlog that
 * never runs dry.
 *
 * <p>Record {@code n} has the id {@code n} and the image {@code n % images.size()} of the
 * workload ({@link #imageIndex}).
 */
final class ImageOffers implements AutoCloseable {
    /**
     * The {@code ImageRecord} header with the {@link System#nanoTime()} a paced record was due:
     * the job and the hand-written loops pass input headers through to their answers, so the
     * reader in the same JVM takes each answer's latency from it. A header of the Avro record, not
     * a Kafka header, since the job does not carry Kafka headers over; nanoseconds rather than the
     * Kafka timestamp's milliseconds, since the latencies measured are a few milliseconds.
     */
    static final String OFFERED_AT = "peers.offered-at-nanos";

    /**
     * Records sent and not yet answered that a backlog keeps per consumer thread: enough that no
     * contestant waits for input (the job holds a few hundred in flight: its source's fetches and
     * the function's max-size x (max-inflight + 1) records; a loop, a batch and a poll's worth),
     * few enough (6 MB of messages) that the broker does not fill with what nobody will read. A
     * backlog sized up front would have to guess the contestant's capacity times the run's length.
     */
    static final int BACKLOG_PER_THREAD = 1024;

    private final ImageProducer producer;
    private final List<byte[]> images;
    private final Semaphore backlog;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean pacing;
    private volatile boolean stopping;
    private long next;
    private Thread sender;

    ImageOffers(RunTopics topics, List<byte[]> images, int threads) {
        this.producer = new ImageProducer(topics.bootstrapServers(), topics.images(), new Properties());
        this.images = images;
        this.backlog = new Semaphore(BACKLOG_PER_THREAD * threads);
    }

    /** The workload image of the record with id {@code id}. */
    static int imageIndex(String id, int images) {
        return imageIndex(Long.parseLong(id), images);
    }

    private static int imageIndex(long id, int images) {
        return (int) (id % images);
    }

    /** Sends one record now, before the offering starts: the first answer says the contestant serves. */
    void sendFirst() {
        send(OptionalLong.of(System.nanoTime()));
        producer.flush();
    }

    /**
     * Starts offering from a thread of its own: at {@code perSecond}, or at 0 as a backlog
     * ({@link #BACKLOG_PER_THREAD}).
     */
    void start(double perSecond) {
        pacing = perSecond > 0;
        sender = new Thread(() -> {
            try {
                if (pacing) {
                    Pacer pacer = new Pacer(perSecond);
                    while (!Thread.currentThread().isInterrupted()) {
                        send(OptionalLong.of(pacer.awaitNext()));
                    }
                } else {
                    while (!Thread.currentThread().isInterrupted()) {
                        backlog.acquire();
                        send(OptionalLong.empty());
                    }
                }
            } catch (InterruptedException e) {
                // stopped
            } catch (RuntimeException e) {
                if (!stopping) { // else the producer was interrupted in a send, as close() asked
                    failure.compareAndSet(null, e);
                }
            }
        }, "peers-image-offers");
        sender.setDaemon(true);
        sender.start();
    }

    /** One record has been answered (or failed): a backlog sends another. */
    void answered() {
        if (!pacing) {
            backlog.release();
        }
    }

    /** Throws what stopped the sender, if anything did. */
    void checkHealthy() {
        Throwable e = failure.get();
        if (e != null) {
            throw new IllegalStateException("Offering images to Kafka failed: " + e.getMessage(), e);
        }
    }

    /** @param dueNanos when a paced record was due; empty for a backlog record, which carries no offer time */
    private void send(OptionalLong dueNanos) {
        long id = next++;
        Map<String, String> headers = dueNanos.isPresent() ? Map.of(OFFERED_AT, Long.toString(dueNanos.getAsLong())) : Map.of();
        producer.send(ImageProducer.image(Long.toString(id), images.get(imageIndex(id, images.size())), ImageEncoding.PNG, headers));
    }

    /** Stops offering; records already sent stay on the topic. */
    void stop() throws InterruptedException {
        stopping = true;
        if (sender != null) {
            sender.interrupt();
            sender.join();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        producer.close();
    }
}
