package io.flinkinference.operators.batching;

import io.flinkinference.modelstore.manifest.DataType;
import io.flinkinference.operators.engine.Tensor;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Work-conserving cutting (the default): an idle context takes what is queued at once, and records
 * wait only while every context is busy. The engine holds each batch until the test lets it
 * finish, so which contexts are busy is the test's to say; the clock is a {@link ManualBatchClock}
 * that moves only when told, so no batch here is cut by a delay running out.
 */
class WorkConservingBatchingTest {
    private static final long HOUR_MICROS = Duration.ofHours(1).toNanos() / 1_000;

    @Test
    void aSingleRecordGoesToAnIdleContextWithoutTheClockMoving() throws Exception {
        HeldEngine engine = new HeldEngine();
        ManualBatchClock clock = new ManualBatchClock();
        try (DynamicBatcher batcher = new DynamicBatcher("t", engine, new BatchingConfig(8, HOUR_MICROS, null, 1), clock);
                DynamicBatcher.Member slot = batcher.join(BatchListener.NONE)) {
            try {
                CompletableFuture<BatchRow> row = slot.submit(input(3));

                // The old policy let this record wait the full hour for company, with the engine idle.
                assertThat(engine.started.poll(5, TimeUnit.SECONDS)).as("a batch reaches the engine").isEqualTo(1);
                engine.finish(1);
                assertThat(row.get(5, TimeUnit.SECONDS).rowFloats("y")).containsExactly(3f, 4f);
                assertThat(row.get().queueNanos()).isZero();
            } finally {
                engine.finishAll();
            }
        }
    }

    @Test
    void whileEveryContextIsBusyRecordsWaitPastTheDelayAndLeaveAsOneBatchWhenAContextFrees() throws Exception {
        HeldEngine engine = new HeldEngine();
        ManualBatchClock clock = new ManualBatchClock();
        try (DynamicBatcher batcher = new DynamicBatcher("t", engine, new BatchingConfig(8, 1_000, null, 2), clock);
                DynamicBatcher.Member slot = batcher.join(BatchListener.NONE)) {
            try {
                slot.submit(input(1));
                assertThat(engine.started.poll(5, TimeUnit.SECONDS)).isEqualTo(1);
                slot.submit(input(2));
                assertThat(engine.started.poll(5, TimeUnit.SECONDS)).as("the second context was idle").isEqualTo(1);

                List<CompletableFuture<BatchRow>> waiting = new ArrayList<>();
                for (int i = 3; i <= 5; i++) {
                    waiting.add(slot.submit(input(i)));
                }
                // Far past the 1 ms delay: with both contexts busy there is nowhere to run a batch.
                clock.advance(Duration.ofHours(1));
                assertThat(engine.started).as("nothing is cut while both contexts are busy").isEmpty();

                engine.finish(1);
                assertThat(engine.started.poll(5, TimeUnit.SECONDS)).as("the three queued records, together").isEqualTo(3);
                engine.finishAll();
                for (int i = 0; i < waiting.size(); i++) {
                    BatchRow row = waiting.get(i).get(5, TimeUnit.SECONDS);
                    assertThat(row.batchSize()).isEqualTo(3);
                    assertThat(row.rowFloats("y")).containsExactly(i + 3f, i + 4f);
                    assertThat(row.queueNanos()).as("they waited for a context, by the clock").isEqualTo(Duration.ofHours(1).toNanos());
                }
            } finally {
                engine.finishAll();
            }
        }
        assertThat(engine.batchSizes).containsExactly(1, 1, 3);
    }

    @Test
    void aPreferredSizeThatIsAvailableIsStillCutAtOnceAndTheRestFollows() throws Exception {
        HeldEngine engine = new HeldEngine();
        ManualBatchClock clock = new ManualBatchClock();
        try (DynamicBatcher batcher = new DynamicBatcher("t", engine, new BatchingConfig(8, HOUR_MICROS, new int[] {4}, 1), clock);
                DynamicBatcher.Member slot = batcher.join(BatchListener.NONE)) {
            try {
                slot.submit(input(0));
                assertThat(engine.started.poll(5, TimeUnit.SECONDS)).isEqualTo(1);
                for (int i = 1; i <= 5; i++) {
                    slot.submit(input(i));
                }
                engine.finish(1);
                assertThat(engine.started.poll(5, TimeUnit.SECONDS)).as("the preferred size, not all five").isEqualTo(4);
                engine.finish(1);
                assertThat(engine.started.poll(5, TimeUnit.SECONDS)).as("the one left over, without waiting").isEqualTo(1);
            } finally {
                engine.finishAll();
            }
        }
        assertThat(engine.batchSizes).containsExactly(1, 4, 1);
    }

    @Test
    void membersOfASharedBatcherLendTheirIdleContextsToEachOthersRecords() throws Exception {
        HeldEngine engine = new HeldEngine();
        ManualBatchClock clock = new ManualBatchClock();
        RecordingListener first = new RecordingListener();
        RecordingListener second = new RecordingListener();
        try (DynamicBatcher batcher = new DynamicBatcher("t", engine, new BatchingConfig(8, HOUR_MICROS, null, 1), clock);
                DynamicBatcher.Member a = batcher.join(first)) {
            DynamicBatcher.Member b = batcher.join(second);
            try {
                a.submit(input(1));
                assertThat(engine.started.poll(5, TimeUnit.SECONDS)).isEqualTo(1);
                a.submit(input(2));
                assertThat(engine.started.poll(5, TimeUnit.SECONDS)).as("on the context b brought").isEqualTo(1);

                CompletableFuture<BatchRow> fromA = a.submit(input(3));
                CompletableFuture<BatchRow> fromB = b.submit(input(4));
                engine.finish(1);
                assertThat(engine.started.poll(5, TimeUnit.SECONDS)).as("both members' queued records").isEqualTo(2);
                engine.finishAll();
                assertThat(fromA.get(5, TimeUnit.SECONDS).batchSize()).isEqualTo(2);
                assertThat(fromB.get(5, TimeUnit.SECONDS).rowFloats("y")).containsExactly(4f, 5f);

                b.close();
                CompletableFuture<BatchRow> afterLeaving = a.submit(input(5));
                assertThat(engine.started.poll(5, TimeUnit.SECONDS)).as("a's own context is still there").isEqualTo(1);
                engine.finishAll();
                assertThat(afterLeaving.get(5, TimeUnit.SECONDS).batchSize()).isEqualTo(1);
            } finally {
                engine.finishAll();
                b.close();
            }
        }
        // Listeners hear of a batch after its records' futures complete, so they are read once the
        // batcher has closed (which waits for its workers); finishAll released two batches at once,
        // so they may have completed in either order.
        assertThat(second.batches).containsExactly("2:1");
        assertThat(first.batches).containsExactlyInAnyOrder("1:1", "1:1", "2:1", "1:1");
        assertThat(engine.batchSizes).containsExactly(1, 1, 2, 1);
    }

    private static BatchInput<Map<String, Tensor>> input(int value) {
        Tensor tensor = Tensor.allocate(DataType.FLOAT32, 1, 2);
        tensor.floats().put(new float[] {value, value + 1});
        return TensorBatchifier.INSTANCE.input(Map.of("x", tensor));
    }

    /** Records what the batcher reports to one member, as batch size:own records. */
    private static final class RecordingListener implements BatchListener {
        final List<String> batches = new CopyOnWriteArrayList<>();

        @Override
        public void batchCompleted(int batchSize, int records, long stackNanos, long inferenceNanos) {
            batches.add(batchSize + ":" + records);
        }

        @Override
        public void recordQueued(long queueNanos) {}
    }

    /**
     * Returns y = x, but each batch announces itself in {@link #started} and then runs only when the
     * test lets one finish: a batch on the engine is a busy context for as long as the test wants.
     */
    private static final class HeldEngine extends PairTensorEngine {
        final BlockingQueue<Integer> started = new LinkedBlockingQueue<>();
        final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        private final Semaphore finishes = new Semaphore(0);

        HeldEngine() {
            super("held");
        }

        void finish(int batches) {
            finishes.release(batches);
        }

        /** Lets every batch run from now on, held or not; for the end of a test. */
        void finishAll() {
            finishes.release(1_000_000);
        }

        @Override
        public Map<String, Tensor> infer(Map<String, Tensor> inputs) {
            Tensor x = inputs.get("x");
            int size = (int) x.dim(0);
            batchSizes.add(size);
            started.add(size);
            finishes.acquireUninterruptibly();
            return Map.of("y", scaled(x, 1));
        }

    }
}
