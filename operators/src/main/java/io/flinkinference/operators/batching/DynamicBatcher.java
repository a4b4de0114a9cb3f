package io.flinkinference.operators.batching;

import io.flinkinference.operators.engine.ExecutionContext;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.operators.engine.Tensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Forms batches from single records, Triton's way (see {@link BatchingConfig}), and runs them on an
 * engine. It only queues, cuts, runs and completes: which records may share a batch and how they
 * are stacked is their {@link Batchifier}'s business.
 *
 * <p>Records arrive through {@link Member}s: the task slots that {@link #join} the batcher. A
 * batcher of one slot has one member; a batcher shared by a TaskManager's slots (see
 * {@code inference.batch.scope}) has one per slot, and their records share batches. Each member
 * brings {@code maxInflightBatches} {@link ExecutionContext}s, warmed up before it takes records,
 * and takes them away when it leaves, so at most that many batches per member run at a time.
 *
 * <p>Records are queued in buckets (batchifier and bucket key), so a batch never mixes shapes. One
 * dispatcher thread decides when to cut ({@link BatchingConfig#cutSize}, by the {@link BatchClock});
 * cutting waits while every context is busy, which lets batches grow exactly when the engine is the
 * bottleneck, and, work-conserving (the default), a context that falls idle takes what is queued at
 * once, so below capacity no record waits for company while the engine could run it; with a
 * latency target, it waits as long as the run times seen so far ({@link BatchCosts}) say its batch
 * still finishes in time. Each running
 * batch holds a context and gives it back before its records' futures complete: completing runs
 * the callers' postprocessing, which must never keep the next batch from the engine. Batches
 * smaller than the engine's minimum batch are padded.
 */
public final class DynamicBatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DynamicBatcher.class);

    private final InferenceEngine engine;
    private final BatchingConfig config;
    private final BatchClock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<BatchInput.Bucket, ArrayDeque<Pending>> buckets = new LinkedHashMap<>();
    /** Contexts no batch holds; guarded by {@link #lock}. */
    private final ArrayDeque<ExecutionContext> idle = new ArrayDeque<>();
    /**
     * Runs batches and then their records' completions. Not bounded by the context count (the
     * dispatcher is): a thread still completing a batch must not hold up the next one.
     */
    private final ExecutorService workers;
    private final AutoCloseable clockRegistration;
    private final Thread dispatcher;
    /** Batches running; guarded by {@link #lock}. */
    private int inflight;
    /** How long batches of each size ran, for a latency target; guarded by {@link #lock}. */
    private final BatchCosts costs;
    /** Contexts the members brought: the most batches that may run at once; guarded by {@link #lock}. */
    private int capacity;
    private boolean closed;

    public DynamicBatcher(String name, InferenceEngine engine, BatchingConfig config) {
        this(name, engine, config, BatchClock.SYSTEM);
    }

    public DynamicBatcher(String name, InferenceEngine engine, BatchingConfig config, BatchClock clock) {
        if (config.maxBatchSize() > engine.batchRange().max()) {
            throw new IllegalArgumentException(
                    "max batch size " + config.maxBatchSize() + " is more than " + engine.engineName()
                            + " accepts for " + name + ": " + engine.batchRange());
        }
        this.engine = engine;
        this.config = config;
        this.clock = clock;
        this.costs = new BatchCosts(config.maxBatchSize());
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

    /** The most records one batch holds: the configured size, or the knee {@link BatchLimitFitter} capped it at. */
    public int maxBatchSize() {
        return config.maxBatchSize();
    }

    /**
     * Adds a member: opens {@code maxInflightBatches} execution contexts on the engine and warms each
     * up at {@link BatchingConfig#warmUpBatchSizes()} (see {@link ExecutionContext#warmUp}) before
     * they take batches, so no record pays for first-use costs. Blocks while warming up; the
     * member's {@link Member#warmUp()} says how long that took.
     */
    public Member join(BatchListener listener) {
        long start = System.nanoTime();
        List<ExecutionContext> contexts = new ArrayList<>();
        try {
            for (int i = 0; i < config.maxInflightBatches(); i++) {
                contexts.add(engine.newContext());
            }
            int[] sizes = config.warmUpBatchSizes();
            for (ExecutionContext context : contexts) {
                context.warmUp(sizes);
            }
        } catch (RuntimeException | Error e) {
            // Out of GPU memory for the second context, say: the first must not outlive its engine.
            contexts.forEach(ExecutionContext::close);
            throw e;
        }
        lock.lock();
        try {
            if (closed) {
                contexts.forEach(ExecutionContext::close);
                throw new IllegalStateException("The batcher is closed");
            }
            idle.addAll(contexts);
            capacity += contexts.size();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        return new Member(listener, Duration.ofNanos(System.nanoTime() - start));
    }

    private CompletableFuture<BatchRow> submit(BatchInput<?> input, Member member) {
        Pending pending = new Pending(input, member, new CompletableFuture<>(), clock.nanoTime());
        lock.lock();
        try {
            if (closed || member.left) {
                throw new IllegalStateException("The batcher is closed to this member");
            }
            buckets.computeIfAbsent(input.bucket(), k -> new ArrayDeque<>()).add(pending);
            changed.signal();
        } finally {
            lock.unlock();
        }
        return pending.future;
    }

    /**
     * Removes a member: its queued records are dropped, neither run nor completed (its operator is
     * closing, and Flink's async operator has them in its checkpointed state and replays them on
     * restore), and as many contexts as it brought are closed, idle ones now, busy ones when
     * their batch is done. Batches already cut with its records still complete.
     */
    private void leave(Member member) {
        List<ExecutionContext> surplus = new ArrayList<>();
        lock.lock();
        try {
            if (member.left) {
                return;
            }
            member.left = true;
            for (ArrayDeque<Pending> queue : buckets.values()) {
                queue.removeIf(pending -> pending.member == member);
            }
            capacity -= config.maxInflightBatches();
            while (!idle.isEmpty() && idle.size() + inflight > capacity) {
                surplus.add(idle.poll());
            }
        } finally {
            lock.unlock();
        }
        surplus.forEach(ExecutionContext::close);
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
                if (inflight >= capacity) {
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
                    int size = config.cutSize(queue.size(), oldestWait, costs);
                    // Among the buckets ready to go, the one whose oldest record waited longest goes first.
                    if (size > 0 && (due == null || queue.peekFirst().enqueuedNanos < due.peekFirst().enqueuedNanos)) {
                        due = queue;
                        cut = size;
                    } else if (size == 0) {
                        waitNanos = Math.min(waitNanos, config.nanosUntilDue(queue.size(), oldestWait, costs));
                    }
                }
                if (due != null) {
                    List<Pending> batch = new ArrayList<>(cut);
                    for (int i = 0; i < cut; i++) {
                        batch.add(due.pollFirst());
                    }
                    // inflight < capacity and every context is idle or held by a running batch, so one is idle.
                    ExecutionContext context = idle.poll();
                    inflight++;
                    workers.execute(() -> run(batch, now, context));
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

    /** Runs a batch, gives its context back, and only then completes its records. */
    private void run(List<Pending> batch, long cutNanos, ExecutionContext context) {
        Map<String, Tensor> outputs = null;
        long inferenceNanos = 0;
        Throwable failure = null;
        long runNanos = -1;
        try {
            for (Pending pending : batch) {
                pending.member.listener.recordQueued(cutNanos - pending.enqueuedNanos);
            }
            int rows = Math.max(batch.size(), engine.batchRange().min());
            long stackStart = clock.nanoTime();
            Map<String, Tensor> inputs = batch.get(0).input.stackWith(batch.stream().<BatchInput<?>>map(Pending::input).toList(),
                    rows, context);
            long start = clock.nanoTime();
            outputs = context.infer(inputs);
            inferenceNanos = clock.nanoTime() - start;
            runNanos = start - stackStart + inferenceNanos;
            reportBatch(batch, start - stackStart, inferenceNanos);
        } catch (Throwable t) {
            if (t instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.debug("A batch of {} failed", batch.size(), t);
            failure = t;
        } finally {
            release(context, batch.size(), runNanos);
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

    /** Tells each member whose records rode in the batch how many of them did. */
    private static void reportBatch(List<Pending> batch, long stackNanos, long inferenceNanos) {
        Map<Member, Integer> recordsPerMember = new LinkedHashMap<>();
        for (Pending pending : batch) {
            recordsPerMember.merge(pending.member, 1, Integer::sum);
        }
        recordsPerMember.forEach((member, records) -> member.listener.batchCompleted(batch.size(), records, stackNanos, inferenceNanos));
    }

    /**
     * Gives a context back to the idle ones, or closes it when a member that brought contexts has
     * left; and learns how long its batch of {@code rows} took ({@code runNanos} < 0: it failed).
     */
    private void release(ExecutionContext context, int rows, long runNanos) {
        boolean surplus;
        lock.lock();
        try {
            inflight--;
            if (runNanos >= 0) {
                costs.observe(rows, runNanos);
            }
            surplus = closed || idle.size() + inflight + 1 > capacity;
            if (!surplus) {
                idle.add(context);
            }
            changed.signal();
        } finally {
            lock.unlock();
        }
        if (surplus) {
            context.close();
        }
    }

    /**
     * Stops batching for every member. Records still queued are neither run nor completed: their
     * operators are closing, and Flink's async operator has them in its checkpointed state and
     * replays them on restore.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            buckets.clear();
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
        List<ExecutionContext> remaining;
        lock.lock();
        try {
            remaining = new ArrayList<>(idle);
            idle.clear();
        } finally {
            lock.unlock();
        }
        remaining.forEach(ExecutionContext::close);
    }

    /** One holder of the batcher: a task slot's inference function. */
    public final class Member implements AutoCloseable {
        private final BatchListener listener;
        private final Duration warmUp;
        /** Guarded by the batcher's lock. */
        private boolean left;

        private Member(BatchListener listener, Duration warmUp) {
            this.listener = listener;
            this.warmUp = warmUp;
        }

        /**
         * Queues one record and returns its row of the batch outputs once its batch has run. The
         * future fails with the engine's exception if the batch fails. It completes on a batcher
         * thread, after the batch has given its engine context back.
         */
        public CompletableFuture<BatchRow> submit(BatchInput<?> input) {
            return DynamicBatcher.this.submit(input, this);
        }

        /** How long opening and warming up this member's contexts took. */
        public Duration warmUp() {
            return warmUp;
        }

        /** Leaves the batcher (see {@link DynamicBatcher#leave}); a second call does nothing. */
        @Override
        public void close() {
            leave(this);
        }
    }

    private record Pending(BatchInput<?> input, Member member, CompletableFuture<BatchRow> future, long enqueuedNanos) {}
}
