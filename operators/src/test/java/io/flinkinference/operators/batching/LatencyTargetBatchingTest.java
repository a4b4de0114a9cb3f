package io.flinkinference.operators.batching;

import io.flinkinference.modelstore.manifest.DataType;
import io.flinkinference.operators.engine.Tensor;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A latency target in the batcher: records wait for company while the context idles, for as long
 * as the run times it has seen say their batch still finishes within the target. The engine moves
 * a {@link ManualBatchClock} by 2 ms a row as it runs, so the batcher learns exact run times, and
 * the clock moves otherwise only when the test says.
 */
class LatencyTargetBatchingTest {
    private static final Duration ROW = Duration.ofMillis(2);

    @Test
    void recordsWaitWhileTheirBatchWouldStillMakeTheTargetThenLeaveTogether() throws Exception {
        ManualBatchClock clock = new ManualBatchClock();
        ClockedEngine engine = new ClockedEngine(clock);
        BatchingConfig config = new BatchingConfig(8, 0, null, 1).withLatencyTarget(Duration.ofMillis(10));
        try (DynamicBatcher batcher = new DynamicBatcher("t", engine, config, clock);
                DynamicBatcher.Member slot = batcher.join(BatchListener.NONE)) {
            // No run time known yet: the first record goes at once, and teaches the batcher 2 ms for one row.
            assertThat(slot.submit(input(0)).get(5, TimeUnit.SECONDS).queueNanos()).isZero();
            assertThat(engine.started.poll(5, TimeUnit.SECONDS)).isEqualTo(1);

            CompletableFuture<BatchRow> first = slot.submit(input(1));
            CompletableFuture<BatchRow> second = slot.submit(input(2));
            CompletableFuture<BatchRow> third = slot.submit(input(3));
            // Three rows are expected to run 6 ms, so with a 10 ms target they may wait 4 ms.
            clock.advance(Duration.ofMillis(3));
            assertThat(engine.started).as("the context idles, yet the three may still wait").isEmpty();
            assertThat(first).isNotDone();

            clock.advance(Duration.ofMillis(1));
            assertThat(engine.started.poll(5, TimeUnit.SECONDS)).as("due: the three together").isEqualTo(3);
            for (CompletableFuture<BatchRow> row : List.of(first, second, third)) {
                assertThat(row.get(5, TimeUnit.SECONDS).batchSize()).isEqualTo(3);
                assertThat(row.get().queueNanos()).isEqualTo(Duration.ofMillis(4).toNanos());
            }
            assertThat(third.get().rowFloats("y")).containsExactly(3f, 4f);
        }
    }

    @Test
    void aFullBatchDoesNotWaitForTheTarget() throws Exception {
        ManualBatchClock clock = new ManualBatchClock();
        ClockedEngine engine = new ClockedEngine(clock);
        BatchingConfig config = new BatchingConfig(4, 0, null, 1).withLatencyTarget(Duration.ofSeconds(1));
        try (DynamicBatcher batcher = new DynamicBatcher("t", engine, config, clock);
                DynamicBatcher.Member slot = batcher.join(BatchListener.NONE)) {
            slot.submit(input(0)).get(5, TimeUnit.SECONDS);
            assertThat(engine.started.poll(5, TimeUnit.SECONDS)).isEqualTo(1);

            List<CompletableFuture<BatchRow>> rows = List.of(slot.submit(input(1)), slot.submit(input(2)),
                    slot.submit(input(3)), slot.submit(input(4)));
            assertThat(engine.started.poll(5, TimeUnit.SECONDS)).as("four is the max: cut with the clock still").isEqualTo(4);
            for (CompletableFuture<BatchRow> row : rows) {
                assertThat(row.get(5, TimeUnit.SECONDS).queueNanos()).isZero();
            }
        }
    }

    private static BatchInput<Map<String, Tensor>> input(int value) {
        Tensor tensor = Tensor.allocate(DataType.FLOAT32, 1, 2);
        tensor.floats().put(new float[] {value, value + 1});
        return TensorBatchifier.INSTANCE.input(Map.of("x", tensor));
    }

    /** Returns y = x, moving the clock on by {@link #ROW} per row as it runs, and announces each batch's size. */
    private static final class ClockedEngine extends PairTensorEngine {
        final BlockingQueue<Integer> started = new LinkedBlockingQueue<>();
        private final ManualBatchClock clock;

        ClockedEngine(ManualBatchClock clock) {
            super("clocked");
            this.clock = clock;
        }

        @Override
        public Map<String, Tensor> infer(Map<String, Tensor> inputs) {
            Tensor x = inputs.get("x");
            int size = (int) x.dim(0);
            clock.advance(ROW.multipliedBy(size));
            started.add(size);
            return Map.of("y", scaled(x, 1));
        }

    }
}
