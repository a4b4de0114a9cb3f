package io.flinkinference.operators.batching;

import io.flinkinference.modelstore.manifest.DataType;
import io.flinkinference.modelstore.manifest.Preprocessing;
import io.flinkinference.operators.engine.BatchRange;
import io.flinkinference.operators.engine.ExecutionContext;
import io.flinkinference.operators.engine.Tensor;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fitting the max batch size to the engine, on an engine whose every call costs a scripted time on
 * a scripted clock: the curve it measures, and so the cap, is exactly the script's, whatever the
 * machine. Then the batcher opened with the fitted settings cuts no batch above the cap.
 */
class BatchLimitFitterTest {
    /** The recognizer's shape on 2 cores (issue 18), as records per second by batch size. */
    private static final Map<Integer, Double> PEAK_AT_4 = Map.of(1, 40.0, 2, 47.0, 4, 54.0, 8, 41.0, 16, 24.0, 32, 16.0);

    private final ScriptedEngine engine = new ScriptedEngine(PEAK_AT_4);

    @Test
    void capsTheMaxBatchSizeAtTheKneeOfTheMeasuredCurve() {
        BatchingConfig fitted = fitter(Duration.ofSeconds(30), engine).fit("rec", engine, null, waiting(32));

        assertThat(fitted.maxBatchSize()).isEqualTo(4);
        assertThat(fitted.maxInflightBatches()).isEqualTo(1);
        assertThat(engine.batchSizes).as("every warm-up size was timed, smallest first")
                .containsSubsequence(1L, 2L, 4L, 8L, 16L, 32L);
    }

    @Test
    void theBatcherOpenedWithTheFittedSettingsCutsNoBatchAboveTheKnee() throws Exception {
        BatchingConfig fitted = fitter(Duration.ofSeconds(30), engine).fit("rec", engine, null, waiting(32));
        engine.batchSizes.clear();
        ManualBatchClock clock = new ManualBatchClock();
        List<CompletableFuture<BatchRow>> rows = new ArrayList<>();
        try (DynamicBatcher batcher = new DynamicBatcher("rec", engine, fitted, clock);
                DynamicBatcher.Member slot = batcher.join(BatchListener.NONE)) {
            assertThat(batcher.maxBatchSize()).isEqualTo(4);
            // Not work-conserving and the clock still: only a full batch is cut, at the max batch size.
            for (int i = 0; i < 12; i++) {
                rows.add(slot.submit(TensorBatchifier.INSTANCE.input(Map.of("x", record(i)))));
            }
            for (CompletableFuture<BatchRow> row : rows.subList(0, 4)) {
                assertThat(row.get(5, TimeUnit.SECONDS).batchSize()).isEqualTo(4);
            }
            clock.advance(Duration.ofSeconds(1)); // whatever still waits leaves, so a broken cap fails below, not by hanging
            for (CompletableFuture<BatchRow> row : rows) {
                row.get(5, TimeUnit.SECONDS);
            }
        }
        assertThat(engine.batchSizes).containsExactly(4L, 4L, 4L);
    }

    @Test
    void theConfiguredMaxStaysAnUpperBoundAndPreferredSizesAboveTheCapAreDropped() {
        ScriptedEngine rising = new ScriptedEngine(Map.of(1, 100.0, 2, 190.0, 4, 350.0, 8, 600.0, 16, 1000.0, 32, 1500.0));
        BatchingConfig configured = new BatchingConfig(8, 1_000, null, 2);

        assertThat(fitter(Duration.ofSeconds(30), rising).fit("m", rising, null, configured).maxBatchSize())
                .as("the curve still rises at 8, but 8 is what the user allowed").isEqualTo(8);
        assertThat(rising.batchSizes).doesNotContain(16L, 32L);

        BatchingConfig preferred = new BatchingConfig(32, 1_000, new int[] {2, 4, 16}, 1);
        BatchingConfig fitted = fitter(Duration.ofSeconds(30), engine).fit("rec", engine, null, preferred);
        assertThat(fitted.maxBatchSize()).isEqualTo(4);
        assertThat(fitted.preferredBatchSizes()).containsExactly(2, 4);
    }

    @Test
    void whenTheBudgetEndsWhileThroughputStillRisesTheConfiguredMaxStays() {
        // Calls of 10 ms and more: within 100 ms only batches 1 and 2 fit, and 2 is still the best.
        ScriptedEngine rising = new ScriptedEngine(Map.of(1, 100.0, 2, 190.0, 4, 350.0, 8, 600.0, 16, 1000.0, 32, 1500.0));

        BatchingConfig fitted = fitter(Duration.ofMillis(100), rising).fit("m", rising, null, waiting(32));

        assertThat(fitted.maxBatchSize()).isEqualTo(32);
        assertThat(rising.batchSizes).containsOnly(1L, 2L);
        assertThat(rising.clock.get()).as("the budget held, to within a call").isLessThanOrEqualTo(Duration.ofMillis(100 + 11).toNanos());
    }

    @Test
    void whenTheBudgetEndsPastTheFallTheKneeFoundSoFarIsTheCap() {
        // 2 s: batches 16 (0.67 s a call) and 32 (2 s) would not fit after 1 to 8, and the curve fell at 8 already.
        BatchingConfig fitted = fitter(Duration.ofSeconds(2), engine).fit("rec", engine, null, waiting(32));

        assertThat(fitted.maxBatchSize()).isEqualTo(4);
        assertThat(engine.batchSizes).doesNotContain(32L);
        assertThat(engine.clock.get()).isLessThanOrEqualTo(Duration.ofSeconds(2).toNanos());
    }

    @Test
    void offItTouchesNeitherTheSettingsNorTheEngine() {
        BatchingConfig configured = waiting(32);

        BatchingConfig fitted = new BatchLimitFitter(BatchFitting.OFF, engine.clock::get).fit("rec", engine, null, configured);

        assertThat(fitted).isSameAs(configured);
        assertThat(engine.batchSizes).isEmpty();
    }

    @Test
    void inputsOfAShapeNoOneCanKnowBeforeRecordsComeAreNotFitted() {
        ScriptedEngine unsized = new ScriptedEngine(PEAK_AT_4, List.of(-1L, 3L, 48L, -1L));

        assertThat(fitter(Duration.ofSeconds(30), unsized).fit("m", unsized, null, waiting(32)).maxBatchSize()).isEqualTo(32);
        assertThat(unsized.batchSizes).isEmpty();
    }

    @Test
    void aDynamicWidthIsTheOneTheManifestsPreprocessingFeeds() {
        ScriptedEngine lines = new ScriptedEngine(PEAK_AT_4, List.of(-1L, 3L, 48L, -1L));
        Preprocessing textLine = new Preprocessing(48, 320, Preprocessing.Layout.NCHW, Preprocessing.ChannelOrder.BGR, 1 / 255.0,
                List.of(0.5, 0.5, 0.5), List.of(0.5, 0.5, 0.5), Preprocessing.ResizeMode.FIT_HEIGHT_PAD);

        assertThat(fitter(Duration.ofSeconds(30), lines).fit("rec", lines, textLine, waiting(32)).maxBatchSize()).isEqualTo(4);
        assertThat(lines.shapes).allSatisfy(shape -> assertThat(shape).endsWith(3, 48, 320));
        assertThat(lines.nonZeroValues).as("timed on zeros, not on what staging memory held").hasValue(0);
    }

    /** A fitter on {@code timing}'s clock, which only its calls move. */
    private static BatchLimitFitter fitter(Duration budget, ScriptedEngine timing) {
        return new BatchLimitFitter(new BatchFitting(true, budget), timing.clock::get);
    }

    private static BatchingConfig waiting(int maxBatchSize) {
        return new BatchingConfig(maxBatchSize, 1_000_000, null, 1, false);
    }

    private static Tensor record(int value) {
        Tensor tensor = Tensor.allocate(DataType.FLOAT32, 1, 2);
        tensor.floats().put(new float[] {value, value + 1});
        return tensor;
    }

    /**
     * Returns y = 2x, and each call moves {@link #clock} on by what the script says a batch of its
     * size costs: size / rate. Records each call's batch size and shape. Its contexts hand out dirty
     * staging memory, as pinned memory after an earlier batch would be.
     */
    private static final class ScriptedEngine extends PairTensorEngine {
        final AtomicLong clock = new AtomicLong();
        final List<Long> batchSizes = new CopyOnWriteArrayList<>();
        final List<long[]> shapes = new CopyOnWriteArrayList<>();
        final AtomicLong nonZeroValues = new AtomicLong();
        private final Map<Integer, Double> recordsPerSecond;

        ScriptedEngine(Map<Integer, Double> recordsPerSecond) {
            this(recordsPerSecond, List.of(-1L, 2L));
        }

        ScriptedEngine(Map<Integer, Double> recordsPerSecond, List<Long> inputShape) {
            super("scripted", inputShape, BatchRange.ANY);
            this.recordsPerSecond = recordsPerSecond;
        }

        @Override
        public Map<String, Tensor> infer(Map<String, Tensor> inputs) {
            Tensor x = inputs.get("x");
            int rows = (int) x.dim(0);
            batchSizes.add((long) rows);
            shapes.add(x.shape());
            clock.addAndGet(Math.round(rows / recordsPerSecond.get(rows) * 1e9));
            return Map.of("y", scaled(x, 2));
        }

        @Override
        public ExecutionContext newContext() {
            return new ExecutionContext() {
                @Override
                public Tensor allocateInput(String name, DataType dtype, long[] shape) {
                    Tensor dirty = Tensor.allocate(dtype, shape);
                    FloatBuffer values = dirty.floats();
                    for (int i = 0; i < values.capacity(); i++) {
                        values.put(i, Float.NaN);
                    }
                    return dirty;
                }

                @Override
                public Map<String, Tensor> infer(Map<String, Tensor> inputs) {
                    FloatBuffer values = inputs.get("x").floats();
                    for (int i = 0; i < values.capacity(); i++) {
                        if (values.get(i) != 0) {
                            nonZeroValues.incrementAndGet();
                        }
                    }
                    return ScriptedEngine.this.infer(inputs);
                }

                @Override
                public void close() {}
            };
        }
    }
}
