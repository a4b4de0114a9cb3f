package io.flinkinference.operators.batching;

import io.flinkinference.operators.engine.EncodedImages;
import io.flinkinference.operators.engine.ExecutionContext;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.operators.engine.Tensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
 * engine with at most {@code maxInflightBatches} at a time.
 *
 * <p>Records are queued in buckets by input shape, so a batch never mixes shapes (a dynamic-width
 * text line of 96 pixels never meets one of 192). One dispatcher thread decides when to cut; cutting
 * waits while all in-flight slots are busy, which lets batches grow exactly when the engine is the
 * bottleneck. Batches run on a pool of {@code maxInflightBatches} threads, each with its own
 * {@link ExecutionContext}. Batches smaller than the engine's minimum batch are padded with zeros.
 */
public final class DynamicBatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DynamicBatcher.class);

    private final InferenceEngine engine;
    private final BatchingConfig config;
    private final BatchListener listener;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<ShapeKey, ArrayDeque<Pending>> buckets = new LinkedHashMap<>();
    private final BlockingQueue<ExecutionContext> contexts;
    private final ExecutorService workers;
    private final Thread dispatcher;
    private int inflight;
    private boolean closed;

    public DynamicBatcher(String name, InferenceEngine engine, BatchingConfig config, BatchListener listener) {
        if (config.maxBatchSize() > engine.batchRange().max()) {
            throw new IllegalArgumentException(
                    "max batch size " + config.maxBatchSize() + " is more than " + engine.engineName()
                            + " accepts for " + name + ": " + engine.batchRange());
        }
        this.engine = engine;
        this.config = config;
        this.listener = listener;
        this.contexts = new ArrayBlockingQueue<>(config.maxInflightBatches());
        for (int i = 0; i < config.maxInflightBatches(); i++) {
            contexts.add(engine.newContext());
        }
        AtomicInteger threads = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(config.maxInflightBatches(), runnable -> {
            Thread thread = new Thread(runnable, "inference-" + name + "-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.dispatcher = new Thread(this::dispatchLoop, "batcher-" + name);
        this.dispatcher.setDaemon(true);
        this.dispatcher.start();
    }

    /**
     * Queues one record (every input with batch dimension 1) and returns its row of the batch
     * outputs once its batch has run. The future fails with the engine's exception if the batch fails.
     */
    public CompletableFuture<BatchRow> submit(Map<String, Tensor> inputs) {
        Pending pending = new Pending(inputs, new CompletableFuture<>(), System.nanoTime());
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("The batcher is closed");
            }
            buckets.computeIfAbsent(ShapeKey.of(inputs), k -> new ArrayDeque<>()).add(pending);
            changed.signal();
        } finally {
            lock.unlock();
        }
        return pending.future;
    }

    /** Records waiting to be batched (for tests and metrics). */
    public int queued() {
        lock.lock();
        try {
            return buckets.values().stream().mapToInt(ArrayDeque::size).sum();
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
                long now = System.nanoTime();
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
                    changed.awaitNanos(Math.max(waitNanos, 1));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    private void run(List<Pending> batch, long cutNanos) {
        ExecutionContext context = null;
        try {
            context = contexts.take();
            int size = batch.size();
            for (Pending pending : batch) {
                listener.recordQueued(cutNanos - pending.enqueuedNanos);
            }
            int rows = Math.max(size, engine.batchRange().min());
            Map<String, Tensor> inputs;
            if (EncodedImages.in(batch.get(0).inputs)) {
                inputs = EncodedImages.stack(batch.stream().map(Pending::inputs).toList(), rows);
            } else {
                inputs = size == 1 && engine.batchRange().contains(1) ? batch.get(0).inputs : stack(batch, rows, context);
            }
            long start = System.nanoTime();
            Map<String, Tensor> outputs = context.infer(inputs);
            long inferenceNanos = System.nanoTime() - start;
            listener.batchCompleted(size, inferenceNanos);
            for (int row = 0; row < size; row++) {
                Pending pending = batch.get(row);
                pending.future.complete(new BatchRow(outputs, row, size, cutNanos - pending.enqueuedNanos, inferenceNanos));
            }
        } catch (Throwable t) {
            if (t instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.debug("A batch of {} failed", batch.size(), t);
            batch.forEach(p -> p.future.completeExceptionally(t));
        } finally {
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
    }

    /**
     * Copies the records' rows into one tensor per input (in the context's staging memory, where it
     * has some), padding with zero rows up to {@code rows}.
     */
    private static Map<String, Tensor> stack(List<Pending> batch, int rows, ExecutionContext context) {
        Map<String, Tensor> stacked = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> first : batch.get(0).inputs.entrySet()) {
            long[] shape = first.getValue().shape();
            shape[0] = rows;
            Tensor tensor = context.allocateInput(first.getKey(), first.getValue().dtype(), shape);
            ByteBuffer target = tensor.buffer();
            for (Pending pending : batch) {
                target.put(pending.inputs.get(first.getKey()).buffer());
            }
            if (target.hasRemaining()) {
                target.put(new byte[target.remaining()]); // padding rows; staging memory may hold an earlier batch
            }
            stacked.put(first.getKey(), tensor);
        }
        return stacked;
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

    private record Pending(Map<String, Tensor> inputs, CompletableFuture<BatchRow> future, long enqueuedNanos) {}

    /**
     * The shapes of a record's inputs without the batch dimension: records batch only with equals.
     * Encoded images batch whatever their lengths ({@link EncodedImages}).
     */
    private record ShapeKey(Map<String, List<Long>> shapes) {
        static ShapeKey of(Map<String, Tensor> inputs) {
            Map<String, List<Long>> shapes = new TreeMap<>();
            inputs.forEach((name, tensor) -> {
                if (name.equals(EncodedImages.BYTES)) {
                    shapes.put(name, List.of());
                    return;
                }
                long[] shape = tensor.shape();
                List<Long> rest = new ArrayList<>(shape.length);
                for (int i = 1; i < shape.length; i++) {
                    rest.add(shape[i]);
                }
                shapes.put(name, rest);
            });
            return new ShapeKey(shapes);
        }
    }
}
