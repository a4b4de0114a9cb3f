package io.flinkinference.operators.batching;

import io.flinkinference.operators.engine.ExecutionContext;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.operators.engine.Tensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Forms batches from single records, Triton's way (see {@link BatchingConfig}), and runs them on an
 * engine with at most {@code maxInflightBatches} at a time. It only queues, cuts, runs and
 * completes: which records may share a batch and how they are stacked is their
 * {@link Batchifier}'s business.
 *
 * <p>Records are queued in buckets (batchifier and bucket key), so a batch never mixes shapes. One
 * dispatcher thread decides when to cut, by the {@link BatchClock}; cutting waits while all
 * in-flight slots are busy, which lets batches grow exactly when the engine is the bottleneck.
 * Each running batch holds a slot and one of {@code maxInflightBatches} {@link ExecutionContext}s,
 * and gives both back before its records' futures complete: completing runs the callers'
 * postprocessing, which must never keep the next batch from the engine. Batches smaller than the
 * engine's minimum batch are padded.
 */
public final class DynamicBatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DynamicBatcher.class);

    private final InferenceEngine engine;
    private final BatchingConfig config;
    private final BatchListener listener;
    private final BatchClock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<BatchInput.Bucket, ArrayDeque<Pending>> buckets = new LinkedHashMap<>();
    private final BlockingQueue<ExecutionContext> contexts;
    /**
     * Runs batches and then their records' completions. Not bounded by the in-flight limit (the
     * slot count is): a thread still completing a batch must not hold up the next one.
     */
    private final ExecutorService workers;
    private final AutoCloseable clockRegistration;
    private final Thread dispatcher;
    private int inflight;
    private boolean closed;

    public DynamicBatcher(String name, InferenceEngine engine, BatchingConfig config, BatchListener listener) {
        this(name, engine, config, listener, BatchClock.SYSTEM);
    }

    public DynamicBatcher(String name, InferenceEngine engine, BatchingConfig config, BatchListener listener, BatchClock clock) {
        if (config.maxBatchSize() > engine.batchRange().max()) {
            throw new IllegalArgumentException(
                    "max batch size " + config.maxBatchSize() + " is more than " + engine.engineName()
                            + " accepts for " + name + ": " + engine.batchRange());
        }
        this.engine = engine;
        this.config = config;
        this.listener = listener;
        this.clock = clock;
        this.contexts = new ArrayBlockingQueue<>(config.maxInflightBatches());
        try {
            for (int i = 0; i < config.maxInflightBatches(); i++) {
                contexts.add(engine.newContext());
            }
        } catch (RuntimeException | Error e) {
            // Out of GPU memory for the second context, say: the first must not outlive the engine it runs on.
            contexts.forEach(ExecutionContext::close);
            throw e;
        }
        AtomicInteger threads = new AtomicInteger();
        this.workers = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "inference-" + name + "-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.clockRegistration = clock.onAdvance(this::wake);
        this.dispatcher = new Thread(this::dispatchLoop, "batcher-" + name);
        this.dispatcher.setDaemon(true);
        this.dispatcher.start();
    }

    /**
     * Warms every context up at {@link BatchingConfig#warmUpBatchSizes()} before the first record
     * (see {@link ExecutionContext#warmUp}); returns how long it took. Called once, by the owner,
     * before it submits anything.
     */
    public java.time.Duration warmUp() {
        long start = System.nanoTime();
        int[] sizes = config.warmUpBatchSizes();
        for (ExecutionContext context : contexts) {
            context.warmUp(sizes);
        }
        return java.time.Duration.ofNanos(System.nanoTime() - start);
    }

    /**
     * Queues one record and returns its row of the batch outputs once its batch has run. The
     * future fails with the engine's exception if the batch fails. It completes on a batcher
     * thread, after the batch has given its engine context and in-flight slot back.
     */
    public CompletableFuture<BatchRow> submit(BatchInput<?> input) {
        Pending pending = new Pending(input, new CompletableFuture<>(), clock.nanoTime());
        BatchInput.Bucket bucket = input.bucket();
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("The batcher is closed");
            }
            buckets.computeIfAbsent(bucket, k -> new ArrayDeque<>()).add(pending);
            changed.signal();
        } finally {
            lock.unlock();
        }
        return pending.future;
    }


    private void wake() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void dispatchLoop() {
        lock.lock();
        try {
            while (!closed) {
                if (inflight >= config.maxInflightBatches()) {
                    changed.await();
                    continue;
                }
                long now = clock.nanoTime();
                ArrayDeque<Pending> due = null;
                int cut = 0;
                long waitNanos = Long.MAX_VALUE;
                for (Iterator<ArrayDeque<Pending>> it = buckets.values().iterator(); it.hasNext(); ) {
                    ArrayDeque<Pending> queue = it.next();
                    if (queue.isEmpty()) {
                        it.remove();
                        continue;
                    }
                    long oldestWait = now - queue.peekFirst().enqueuedNanos;
                    int size = config.cutSize(queue.size(), oldestWait);
                    // Among the buckets ready to go, the one whose oldest record waited longest goes first.
                    if (size > 0 && (due == null || queue.peekFirst().enqueuedNanos < due.peekFirst().enqueuedNanos)) {
                        due = queue;
                        cut = size;
                    } else if (size == 0) {
                        waitNanos = Math.min(waitNanos, config.maxQueueDelayNanos() - oldestWait);
                    }
                }
                if (due != null) {
                    List<Pending> batch = new ArrayList<>(cut);
                    for (int i = 0; i < cut; i++) {
                        batch.add(due.pollFirst());
                    }
                    inflight++;
                    workers.execute(() -> run(batch, now));
                } else if (waitNanos == Long.MAX_VALUE) {
                    changed.await();
                } else {
                    clock.await(changed, Math.max(waitNanos, 1));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** Runs a batch, gives its context and slot back, and only then completes its records. */
    private void run(List<Pending> batch, long cutNanos) {
        Map<String, Tensor> outputs = null;
        long inferenceNanos = 0;
        Throwable failure = null;
        ExecutionContext context = null;
        try {
            context = contexts.take();
            int size = batch.size();
            for (Pending pending : batch) {
                listener.recordQueued(cutNanos - pending.enqueuedNanos);
            }
            int rows = Math.max(size, engine.batchRange().min());
            Map<String, Tensor> inputs = batch.get(0).input.stackWith(batch.stream().<BatchInput<?>>map(Pending::input).toList(),
                    rows, context);
            long start = clock.nanoTime();
            outputs = context.infer(inputs);
            inferenceNanos = clock.nanoTime() - start;
            listener.batchCompleted(size, inferenceNanos);
        } catch (Throwable t) {
            if (t instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.debug("A batch of {} failed", batch.size(), t);
            failure = t;
        } finally {
            release(context);
        }
        for (int row = 0; row < batch.size(); row++) {
            Pending pending = batch.get(row);
            if (failure != null) {
                pending.future.completeExceptionally(failure);
            } else {
                pending.future.complete(new BatchRow(outputs, row, batch.size(), cutNanos - pending.enqueuedNanos, inferenceNanos));
            }
        }
    }

    private void release(ExecutionContext context) {
        if (context != null) {
            contexts.add(context);
        }
        lock.lock();
        try {
            inflight--;
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops batching. Records still queued are neither run nor completed: their operator is closing,
     * and Flink's async operator has them in its checkpointed state and replays them on restore.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            clockRegistration.close();
        } catch (Exception e) {
            LOG.debug("Unregistering from {} failed", clock, e);
        }
        dispatcher.interrupt();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("In-flight batches did not finish within 30 s of closing; abandoning them");
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
        ExecutionContext context;
        while ((context = contexts.poll()) != null) {
            context.close();
        }
    }

    private record Pending(BatchInput<?> input, CompletableFuture<BatchRow> future, long enqueuedNanos) {}
}
