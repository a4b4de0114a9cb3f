package io.flinkinference.operators.batching;

import io.flinkinference.modelstore.manifest.DataType;
import io.flinkinference.operators.engine.BatchRange;
import io.flinkinference.operators.engine.EngineException;
import io.flinkinference.operators.engine.ExecutionContext;
import io.flinkinference.operators.engine.Tensor;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The batcher's own mechanics (cutting by the clock, stacking, padding, splitting, failure, giving
 * the engine back before completing), on an engine that doubles its input and records the batches
 * it sees. The real model runs in the harness and job tests.
 */
class DynamicBatcherTest {

    @Test
    void stacksRecordsAndGivesEachItsOwnRow() throws Exception {
        DoublingEngine engine = new DoublingEngine(BatchRange.ANY);
        try (DynamicBatcher batcher = new DynamicBatcher("t", engine, waiting(4, 1_000_000, 1));
                DynamicBatcher.Member slot = batcher.join(BatchListener.NONE)) {
            List<CompletableFuture<BatchRow>> rows = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                rows.add(slot.submit(input(i)));
            }
            for (int i = 0; i < 4; i++) {
                BatchRow row = rows.get(i).get(5, TimeUnit.SECONDS);
                assertThat(row.batchSize()).isEqualTo(4);
                assertThat(row.rowFloats("y")).containsExactly(2f * i, 2f * i + 2);
                assertThat(row.rowShape("y")).containsExactly(1, 2);
            }
        }
        assertThat(engine.batchSizes).containsExactly(4L);
    }

    @Test
    void warmsEveryContextAMemberBringsUpBeforeItTakesRecordsAndRunsNoRecordBatchDoingSo() throws Exception {
        WarmUpRecordingEngine engine = new WarmUpRecordingEngine();
        try (DynamicBatcher batcher = new DynamicBatcher("t", engine, new BatchingConfig(8, 1_000_000, new int[] {4}, 3));
                DynamicBatcher.Member slot = batcher.join(BatchListener.NONE)) {
            assertThat(engine.warmUps).hasSize(3).allSatisfy(sizes -> assertThat(sizes).containsExactly(4, 8));
            assertThat(engine.batchSizes).isEmpty();
            assertThat(slot.warmUp().isNegative()).isFalse();
        }
    }

    @Test
    void recordsOfTwoMembersShareOneBatchAndEachHearsHowManyWereItsOwn() throws Exception {
        DoublingEngine engine = new DoublingEngine(BatchRange.ANY);
        RecordingListener first = new RecordingListener();
        RecordingListener second = new RecordingListener();
        try (DynamicBatcher batcher = new DynamicBatcher("t", engine, waiting(4, 1_000_000, 1), new ManualBatchClock());
                DynamicBatcher.Member a = batcher.join(first);
                DynamicBatcher.Member b = batcher.join(second)) {
            List<CompletableFuture<BatchRow>> rows = List.of(a.submit(input(1)), b.submit(input(2)), b.submit(input(3)), a.submit(input(4)));
            for (int i = 0; i < rows.size(); i++) {
                assertThat(rows.get(i).get(5, TimeUnit.SECONDS).rowFloats("y")).containsExactly(2f * (i + 1), 2f * (i + 2));
                assertThat(rows.get(i).get().batchSize()).isEqualTo(4);
            }
        }
        assertThat(engine.batchSizes).containsExactly(4L);
        assertThat(first.batches).containsExactly("4:2");
        assertThat(second.batches).containsExactly("4:2");
        assertThat(first.queued).hasValue(2);
    }

    @Test
    void eachMemberBringsItsContextsAndTakesThemAwayWhenItLeaves() {
        WarmUpRecordingEngine engine = new WarmUpRecordingEngine();
        try (DynamicBatcher batcher = new DynamicBatcher("t", engine, new BatchingConfig(4, 1_000_000, null, 2))) {
            DynamicBatcher.Member a = batcher.join(BatchListener.NONE);
            DynamicBatcher.Member b = batcher.join(BatchListener.NONE);
            assertThat(engine.openContexts).hasValue(4);
            b.close();
            b.close();
            assertThat(engine.openContexts).as("the second member's two contexts are closed, once").hasValue(2);
            a.close();
            assertThat(engine.openContexts).hasValue(0);
        }
    }

    @Test
    void aLeavingMembersQueuedRecordsAreDroppedWhileTheOthersStillRun() throws Exception {
        ManualBatchClock clock = new ManualBatchClock();
        DoublingEngine engine = new DoublingEngine(BatchRange.ANY);
        try (DynamicBatcher batcher = new DynamicBatcher("t", engine, waiting(8, 200_000, 1), clock);
                DynamicBatcher.Member staying = batcher.join(BatchListener.NONE)) {
            DynamicBatcher.Member leaving = batcher.join(BatchListener.NONE);
            CompletableFuture<BatchRow> kept = staying.submit(input(1));
            CompletableFuture<BatchRow> dropped = leaving.submit(input(2));
            leaving.close();
            clock.advance(Duration.ofMillis(200));

            assertThat(kept.get(5, TimeUnit.SECONDS).batchSize()).isEqualTo(1);
            // Flink's async operator of the leaving slot holds that record in its state and replays it.
            assertThat(dropped).isNotDone();
            assertThatThrownBy(() -> leaving.submit(input(3))).isInstanceOf(IllegalStateException.class);
        }
        assertThat(engine.batchSizes).containsExactly(1L);
    }

    @Test
    void padsSmallBatchesUpToTheEnginesMinimum() throws Exception {
        DoublingEngine engine = new DoublingEngine(new BatchRange(4, 8));
        ManualBatchClock clock = new ManualBatchClock();
        try (DynamicBatcher batcher = new DynamicBatcher("t", engine, waiting(8, 200_000, 1), clock);
                DynamicBatcher.Member slot = batcher.join(BatchListener.NONE)) {
            CompletableFuture<BatchRow> a = slot.submit(input(1));
            CompletableFuture<BatchRow> b = slot.submit(input(2));
            clock.advance(Duration.ofMillis(200));
            assertThat(a.get(5, TimeUnit.SECONDS).rowFloats("y")).containsExactly(2f, 4f);
            assertThat(b.get(5, TimeUnit.SECONDS).rowFloats("y")).containsExactly(4f, 6f);
            assertThat(a.get().batchSize()).isEqualTo(2);
        }
        assertThat(engine.batchSizes).containsExactly(4L);
    }

    @Test
    void anEngineFailureFailsEveryRecordOfTheBatch() {
        DoublingEngine engine = new DoublingEngine(BatchRange.ANY);
        engine.failing = true;
        try (DynamicBatcher batcher = new DynamicBatcher("t", engine, new BatchingConfig(2, 1_000_000, null, 1));
                DynamicBatcher.Member slot = batcher.join(BatchListener.NONE)) {
            CompletableFuture<BatchRow> a = slot.submit(input(1));
            CompletableFuture<BatchRow> b = slot.submit(input(2));
            for (CompletableFuture<BatchRow> row : List.of(a, b)) {
                assertThatThrownBy(() -> row.get(5, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(EngineException.class);
            }
        }
    }

    @Test
    void refusesABatchSizeTheEngineCannotTake() {
        assertThatThrownBy(() -> new DynamicBatcher("m", new DoublingEngine(new BatchRange(1, 8)),
                new BatchingConfig(16, 0, null, 1)))
                .hasMessageContaining("max batch size 16 is more than fake accepts for m: [1, 8]");
    }

    @Test
    void stacksIntoTheContextsStagingMemoryAndZeroesItsPaddingRows() throws Exception {
        StagingEngine engine = new StagingEngine();
        ManualBatchClock clock = new ManualBatchClock();
        try (DynamicBatcher batcher = new DynamicBatcher("t", engine, waiting(8, 200_000, 1), clock);
                DynamicBatcher.Member slot = batcher.join(BatchListener.NONE)) {
            CompletableFuture<BatchRow> a = slot.submit(input(1));
            CompletableFuture<BatchRow> b = slot.submit(input(2));
            clock.advance(Duration.ofMillis(200));
            assertThat(a.get(5, TimeUnit.SECONDS).rowFloats("y")).containsExactly(2f, 4f);
            assertThat(b.get(5, TimeUnit.SECONDS).rowFloats("y")).containsExactly(4f, 6f);
        }
        // The batch went through the context's own (dirty) staging tensor, not a fresh allocation,
        // and the two padding rows up to the engine's minimum of 4 were cleared.
        assertThat(engine.received).isSameAs(engine.staging);
        assertThat(engine.receivedValues).containsExactly(1f, 2f, 2f, 3f, 0f, 0f, 0f, 0f);
    }

    @Test
    void cutsByTheQueueDelayWhenTheInjectedClockSaysSoAndReportsQueueTimesByIt() throws Exception {
        ManualBatchClock clock = new ManualBatchClock();
        DoublingEngine engine = new DoublingEngine(BatchRange.ANY);
        BatchingConfig config = waiting(8, Duration.ofHours(1).toNanos() / 1_000, 1);
        try (DynamicBatcher batcher = new DynamicBatcher("t", engine, config, clock);
                DynamicBatcher.Member slot = batcher.join(BatchListener.NONE)) {
            CompletableFuture<BatchRow> first = slot.submit(input(1));
            clock.advance(Duration.ofMinutes(40));
            CompletableFuture<BatchRow> second = slot.submit(input(2));
            assertThat(first).as("40 of the 60 minutes have passed").isNotDone();

            clock.advance(Duration.ofMinutes(20));

            assertThat(first.get(5, TimeUnit.SECONDS).queueNanos()).isEqualTo(Duration.ofHours(1).toNanos());
            assertThat(second.get(5, TimeUnit.SECONDS).queueNanos()).isEqualTo(Duration.ofMinutes(20).toNanos());
            assertThat(first.get().batchSize()).isEqualTo(2);
        }
        assertThat(engine.batchSizes).containsExactly(2L);
    }

    @Test
    void aBlockingCompletionDoesNotKeepTheNextBatchFromItsOnlyInFlightSlot() throws Exception {
        ManualBatchClock clock = new ManualBatchClock();
        // Waiting, not work-conserving: a work-conserving batcher cuts the first record as it is
        // submitted, and if its batch completed before thenRun below, the callback would run (and
        // block) on the test's own thread, as it once did in CI.
        BatchingConfig oneInFlight = waiting(2, 1_000_000, 1);
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (DynamicBatcher batcher = new DynamicBatcher("t", new DoublingEngine(BatchRange.ANY), oneInFlight, clock);
                DynamicBatcher.Member slot = batcher.join(BatchListener.NONE)) {
            try {
                // The callback is attached before the clock lets the batch run, so it runs on the batcher's thread.
                CompletableFuture<BatchRow> first = slot.submit(input(1));
                CompletableFuture<Void> postprocessing = first.thenRun(() -> {
                    blocked.countDown();
                    awaitQuietly(release);
                });
                clock.advance(Duration.ofSeconds(1));
                assertThat(blocked.await(5, TimeUnit.SECONDS)).as("the first record's postprocessing runs").isTrue();

                CompletableFuture<BatchRow> second = slot.submit(input(2));
                clock.advance(Duration.ofSeconds(1));

                assertThat(second.get(5, TimeUnit.SECONDS).rowFloats("y")).containsExactly(4f, 6f);
                assertThat(postprocessing).isNotDone();
                release.countDown();
                postprocessing.get(5, TimeUnit.SECONDS);
            } finally {
                release.countDown(); // before closing, which waits for the batcher's threads
            }
        }
    }

    @Test
    void batchesOnTheEnginesDefaultContextsReuseTheirStagingMemory() throws Exception {
        DoublingEngine engine = new DoublingEngine(BatchRange.ANY);
        // a clock that never moves: batches are cut by size only, two records each
        try (DynamicBatcher batcher = new DynamicBatcher("t", engine, waiting(2, 1_000_000, 1), new ManualBatchClock());
                DynamicBatcher.Member slot = batcher.join(BatchListener.NONE)) {
            slot.submit(input(1));
            slot.submit(input(2)).get(5, TimeUnit.SECONDS);
            slot.submit(input(5));
            slot.submit(input(6)).get(5, TimeUnit.SECONDS);
        }
        assertThat(engine.inputs).hasSize(2);
        // The first batch's input now reads as the second: both were one block of staging memory.
        assertThat(values(engine.inputs.get(0))).containsExactly(5f, 6f, 6f, 7f);
        assertThat(values(engine.inputs.get(1))).containsExactly(5f, 6f, 6f, 7f);
    }

    /**
     * The old policy, work-conserving off: with a context idle, records still wait for the delay or
     * a full batch. The tests of stacking, padding, sharing and staging use it to put several
     * records into one batch without holding the engine; the work-conserving tests hold it.
     */
    private static BatchingConfig waiting(int maxBatchSize, long maxQueueDelayMicros, int maxInflightBatches) {
        return new BatchingConfig(maxBatchSize, maxQueueDelayMicros, null, maxInflightBatches, false);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static float[] values(Tensor tensor) {
        float[] values = new float[(int) tensor.elementCount()];
        tensor.floats().get(values);
        return values;
    }

    private static BatchInput<Map<String, Tensor>> input(int value) {
        return TensorBatchifier.INSTANCE.input(Map.of("x", record(value)));
    }

    private static Tensor record(int value) {
        Tensor tensor = Tensor.allocate(DataType.FLOAT32, 1, 2);
        tensor.floats().put(new float[] {value, value + 1});
        return tensor;
    }

    /**
     * A doubling engine whose execution context hands out one reused staging tensor, filled with
     * leftovers as pinned memory would be after an earlier batch.
     */
    private static final class StagingEngine extends DoublingEngine {
        final Tensor staging = Tensor.allocate(DataType.FLOAT32, 4, 2);
        volatile Tensor received;
        volatile float[] receivedValues;

        StagingEngine() {
            super(new BatchRange(4, 8));
            FloatBuffer dirty = staging.floats();
            for (int i = 0; i < dirty.capacity(); i++) {
                dirty.put(i, 99f);
            }
        }

        @Override
        public ExecutionContext newContext() {
            return new ExecutionContext() {
                @Override
                public Tensor allocateInput(String name, DataType dtype, long[] shape) {
                    return shape[0] == 4 ? staging : Tensor.allocate(dtype, shape);
                }

                @Override
                public Map<String, Tensor> infer(Map<String, Tensor> inputs) {
                    received = inputs.get("x");
                    float[] values = new float[(int) received.elementCount()];
                    received.floats().get(values);
                    receivedValues = values;
                    return StagingEngine.this.infer(inputs);
                }

                @Override
                public void close() {}
            };
        }
    }

    /** Records what the batcher reports to one member. */
    private static final class RecordingListener implements BatchListener {
        final List<String> batches = new CopyOnWriteArrayList<>();
        final AtomicInteger queued = new AtomicInteger();

        @Override
        public void batchCompleted(int batchSize, int records, long stackNanos, long inferenceNanos) {
            batches.add(batchSize + ":" + records);
        }

        @Override
        public void recordQueued(long queueNanos) {
            queued.incrementAndGet();
        }
    }

    /** A doubling engine whose contexts record the batch sizes they are warmed up with, and how many are open. */
    private static final class WarmUpRecordingEngine extends DoublingEngine {
        final List<int[]> warmUps = new CopyOnWriteArrayList<>();
        final AtomicInteger openContexts = new AtomicInteger();

        WarmUpRecordingEngine() {
            super(BatchRange.ANY);
        }

        @Override
        public ExecutionContext newContext() {
            openContexts.incrementAndGet();
            return new ExecutionContext() {
                @Override
                public Map<String, Tensor> infer(Map<String, Tensor> inputs) {
                    return WarmUpRecordingEngine.this.infer(inputs);
                }

                @Override
                public void warmUp(int[] batchSizes) {
                    warmUps.add(batchSizes.clone());
                }

                @Override
                public void close() {
                    openContexts.decrementAndGet();
                }
            };
        }
    }

    /** Returns y = 2x and records the batch sizes it was given. */
    private static class DoublingEngine extends PairTensorEngine {
        final List<Long> batchSizes = new CopyOnWriteArrayList<>();
        final List<Tensor> inputs = new CopyOnWriteArrayList<>();
        volatile boolean failing;

        DoublingEngine(BatchRange range) {
            super("fake", List.of(-1L, 2L), range);
        }

        @Override
        public Map<String, Tensor> infer(Map<String, Tensor> inputs) {
            if (failing) {
                throw new EngineException("engine broke");
            }
            Tensor x = inputs.get("x");
            batchSizes.add(x.dim(0));
            this.inputs.add(x);
            return Map.of("y", scaled(x, 2));
        }

    }
}
