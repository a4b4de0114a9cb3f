package io.flinkinference.jobs.cluster;

import io.flinkinference.avro.ImageRecord;
import io.flinkinference.jobs.kafka.ImageProducer;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends prepared images to a topic at a steady rate from a thread of its own, as a camera would,
 * so that a failure can strike while records are still arriving. The rate is pacing, not
 * synchronisation: nothing waits on it.
 */
public final class ImageFeed implements AutoCloseable {
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    private ImageFeed() {}

    public static ImageFeed start(String bootstrapServers, String topic, List<ImageRecord> images, int perSecond) {
        ImageFeed feed = new ImageFeed();
        Thread thread = new Thread(() -> feed.send(bootstrapServers, topic, images, perSecond), "image-feed-" + topic);
        thread.setDaemon(true);
        thread.start();
        return feed;
    }

    private void send(String bootstrapServers, String topic, List<ImageRecord> images, int perSecond) {
        long interval = TimeUnit.SECONDS.toNanos(1) / perSecond;
        long start = System.nanoTime();
        try (ImageProducer producer = new ImageProducer(bootstrapServers, topic, new Properties())) {
            for (int i = 0; i < images.size() && !stopped.get(); i++) {
                long due = start + i * interval;
                while (System.nanoTime() < due) {
                    LockSupport.parkNanos(due - System.nanoTime());
                }
                producer.send(images.get(i)).get(30, TimeUnit.SECONDS);
                sent.incrementAndGet();
            }
            done.complete(null);
        } catch (Exception | Error e) {
            done.completeExceptionally(e);
        }
    }

    /** How many images the broker has acknowledged so far. */
    public int sent() {
        return sent.get();
    }

    public boolean finished() {
        return done.isDone();
    }

    /** Waits until every image is sent; rethrows what made sending fail. */
    public void await(Duration timeout) throws Exception {
        done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws Exception {
        stopped.set(true);
        try {
            done.get(1, TimeUnit.MINUTES);
        } catch (java.util.concurrent.ExecutionException e) {
            // The test that awaited the feed has seen this already; closing only makes sure the thread ended.
        }
    }
}
