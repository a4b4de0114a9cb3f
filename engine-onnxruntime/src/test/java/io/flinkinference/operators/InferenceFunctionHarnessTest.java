package io.flinkinference.operators;

import io.flinkinference.testing.TestModels;
import io.flinkinference.testing.TestRequests;

import io.flinkinference.operators.InferenceOptions.OutputMode;
import io.flinkinference.operators.batching.ManualBatchClock;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The inference function inside Flink's own async operator, driven by Flink's operator test
 * harness, with the real orientation classifier on ONNX Runtime. Requests are float tensors so
 * that shapes can be chosen: [1,3,48,192] and [1,3,48,96] both fit the model's dynamic width.
 */
class InferenceFunctionHarnessTest {
    @BeforeAll
    static void fetchModel() {
        TestModels.classifier();
    }

    @Test
    void cutsABatchAtMaxBatchSize() throws Exception {
        // The clock never moves: only the batch size can cut.
        List<InferenceResult> results = runToEnd(inference(4, Duration.ofSeconds(30), 1, OutputMode.ORDERED),
                tensors("a", 8, 192), new ManualBatchClock(), Duration.ZERO);

        assertThat(results).hasSize(8).allSatisfy(r -> {
            assertThat(r.batchSize()).isEqualTo(4);
            assertThat(r.queueMicros()).as("cut by size, before the clock moved").isZero();
        });
    }

    @Test
    @Timeout(60)
    void byDefaultARecordRunsAtOnceOnAnIdleContextThoughTheDelayIsAnHour() throws Exception {
        Inference<InferenceRequest, InferenceResult> inference = Inference.builder()
                .modelStore(TestModels.store().root()).model("ppocr-cls")
                .maxBatchSize(32).maxQueueDelay(Duration.ofHours(1)).build();
        // The clock never moves: with the old policy the record would wait the hour and the end of input never come.
        List<InferenceResult> results = runToEnd(inference, tensors("a", 1, 192), new ManualBatchClock(), Duration.ZERO);

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.batchSize()).isEqualTo(1);
            assertThat(r.queueMicros()).isZero();
        });
    }

    @Test
    void cutsABatchAtMaxQueueDelay() throws Exception {
        List<InferenceResult> results = runToEnd(inference(32, Duration.ofMillis(150), 1, OutputMode.ORDERED),
                tensors("a", 3, 192), new ManualBatchClock(), Duration.ofMillis(150));

        assertThat(results).hasSize(3).allSatisfy(r -> {
            assertThat(r.batchSize()).isEqualTo(3);
            assertThat(r.queueMicros()).as("all waited exactly the delay").isEqualTo(150_000);
        });
    }

    /**
     * Two subtasks of one TaskManager with a shared batcher: each sends half a batch, and their
     * records leave in one full batch. With a batcher per subtask each half would wait for the
     * delay and run alone.
     */
    @Test
    void subtasksSharingATaskManagersBatcherFillOneBatchTogether() throws Exception {
        ManualBatchClock clock = new ManualBatchClock();
        Inference<InferenceRequest, InferenceResult> shared = Inference.builder()
                .modelStore(TestModels.store().root()).model("ppocr-cls").maxBatchSize(4).maxQueueDelay(Duration.ofSeconds(1))
                .maxInflightBatches(1).batcherScope(InferenceOptions.BatcherScope.TASK_MANAGER)
                // Waiting for company: work-conserving, the first record would leave alone on an idle context.
                // Batches of 4, whatever this machine's knee.
                .workConserving(false).fitToEngine(false).build();
        try (OneInputStreamOperatorTestHarness<InferenceRequest, Either<InferenceFailure, InferenceResult>> first =
                        InferenceHarnesses.of(shared, 2, 0, clock);
                OneInputStreamOperatorTestHarness<InferenceRequest, Either<InferenceFailure, InferenceResult>> second =
                        InferenceHarnesses.of(shared, 2, 1, clock)) {
            first.open();
            second.open();
            for (InferenceRequest request : tensors("first", 2, 192)) {
                first.processElement(request, 0L);
            }
            for (InferenceRequest request : tensors("second", 2, 192)) {
                second.processElement(request, 0L);
            }
            clock.advance(Duration.ofSeconds(1)); // cuts whatever waits, so a broken share still ends
            first.endInput();
            second.endInput();

            assertThat(results(first)).hasSize(2).allSatisfy(r -> assertThat(r.batchSize()).isEqualTo(4));
            // All four were queued before the clock moved, so whenever the dispatcher looks, the batch is full.
            assertThat(results(second)).hasSize(2).allSatisfy(r -> assertThat(r.batchSize()).isEqualTo(4));
        }
    }

    @Test
    void honoursPreferredBatchSizes() throws Exception {
        Inference<InferenceRequest, InferenceResult> inference = Inference.builder()
                .modelStore(TestModels.store().root()).model("ppocr-cls")
                .maxBatchSize(16).preferredBatchSizes(4, 8).maxQueueDelay(Duration.ofMillis(300))
                .maxInflightBatches(1).workConserving(false).fitToEngine(false).build();
        List<InferenceResult> results = runToEnd(inference, tensors("a", 14, 192), new ManualBatchClock(), Duration.ofMillis(300));

        assertThat(results).hasSize(14);
        // Batches are cut at the preferred sizes, multiples of 4; the 2 records left waited for the delay.
        Map<Integer, List<InferenceResult>> bySize = results.stream().collect(Collectors.groupingBy(InferenceResult::batchSize));
        assertThat(bySize.keySet()).containsAnyOf(4, 8).isSubsetOf(2, 4, 8);
        assertThat(bySize.get(2)).hasSize(2).allSatisfy(r -> assertThat(r.queueMicros()).isEqualTo(300_000));
    }

    @Test
    void neverMixesShapesInABatch() throws Exception {
        List<InferenceRequest> requests = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            requests.add(i % 3 == 0 ? TestRequests.tensor("narrow-" + i, 96) : TestRequests.tensor("wide-" + i, 192));
        }
        Inference<InferenceRequest, InferenceResult> inference = inference(16, Duration.ofMillis(200), 2, OutputMode.ORDERED);
        List<InferenceResult> results = runToEnd(inference, requests, new ManualBatchClock(), Duration.ofMillis(200));

        assertThat(results).hasSize(8);
        assertThat(results).filteredOn(r -> r.id().startsWith("narrow")).hasSize(3)
                .allSatisfy(r -> assertThat(r.batchSize()).isEqualTo(3));
        assertThat(results).filteredOn(r -> r.id().startsWith("wide")).hasSize(5)
                .allSatisfy(r -> assertThat(r.batchSize()).isEqualTo(5));
    }

    @Test
    void orderedModeKeepsInputOrderWhenBatchesCompleteOutOfOrder() throws Exception {
        List<InferenceResult> results = runOutOfOrderWorkload(OutputMode.ORDERED);

        assertThat(results).extracting(InferenceResult::id)
                .containsExactly("slow", "fast-1", "fast-2", "fast-3", "fast-4");
        assertThat(results.get(0).queueMicros()).as("the slow record waited the delay").isEqualTo(300_000);
        assertThat(results.get(1).queueMicros()).as("the fast batch was cut at once").isZero();
    }

    @Test
    void unorderedModeEmitsResultsAsTheyComplete() throws Exception {
        List<InferenceResult> results = runOutOfOrderWorkload(OutputMode.UNORDERED);

        assertThat(results).extracting(InferenceResult::id).hasSize(5).endsWith("slow");
    }

    @Test
    void recordsInFlightAtASnapshotAreEmittedExactlyOnceAfterRestore() throws Exception {
        // First run: a clock that never moves, so nothing completes before the snapshot.
        Inference<InferenceRequest, InferenceResult> stuck = inference(64, Duration.ofMillis(20), 1, OutputMode.ORDERED);
        OneInputStreamOperatorTestHarness<InferenceRequest, Either<InferenceFailure, InferenceResult>> before =
                InferenceHarnesses.of(stuck, new ManualBatchClock());
        before.open();
        List<InferenceRequest> inFlight = tensors("inflight", 10, 192);
        for (InferenceRequest request : inFlight) {
            before.processElement(request, 0L);
        }
        OperatorSubtaskState snapshot = before.snapshot(1L, 1L);
        assertThat(before.extractOutputValues()).isEmpty();
        before.getOperator().close(); // a failure: no finish(), nothing flushed

        Inference<InferenceRequest, InferenceResult> quick = inference(64, Duration.ofMillis(20), 1, OutputMode.ORDERED);
        ManualBatchClock clock = new ManualBatchClock();
        OneInputStreamOperatorTestHarness<InferenceRequest, Either<InferenceFailure, InferenceResult>> after =
                InferenceHarnesses.of(quick, clock);
        after.initializeState(snapshot);
        after.open();
        for (InferenceRequest request : tensors("new", 2, 192)) {
            after.processElement(request, 0L);
        }
        clock.advance(Duration.ofMillis(20));
        after.endInput();
        List<InferenceResult> results = results(after);
        after.close();

        assertThat(results).extracting(InferenceResult::id).containsExactly(
                "inflight-0", "inflight-1", "inflight-2", "inflight-3", "inflight-4", "inflight-5", "inflight-6",
                "inflight-7", "inflight-8", "inflight-9", "new-0", "new-1");
    }

    @Test
    void aRecordWithoutAResultInTimeBecomesATimeoutFailure() throws Exception {
        Inference<InferenceRequest, InferenceResult> inference = Inference.builder()
                .modelStore(TestModels.store().root()).model("ppocr-cls")
                .maxBatchSize(8).maxQueueDelay(Duration.ofHours(1)).timeout(Duration.ofSeconds(2)).build();
        try (OneInputStreamOperatorTestHarness<InferenceRequest, Either<InferenceFailure, InferenceResult>> harness = harness(inference)) {
            harness.open();
            harness.processElement(TestRequests.tensor("late", 192), 0L);
            harness.setProcessingTime(2_001); // the harness's clock drives Flink's async timeout
            harness.endInput(); // returns once the timed-out record has been emitted

            List<Either<InferenceFailure, InferenceResult>> outputs = harness.extractOutputValues();
            assertThat(outputs).singleElement().satisfies(out -> {
                assertThat(out.isLeft()).isTrue();
                assertThat(out.left().id()).isEqualTo("late");
                assertThat(out.left().stage()).isEqualTo(InferenceFailure.Stage.TIMEOUT);
                assertThat(out.left().reason()).contains("inference.timeout");
                assertThat(out.left().payload()).isNotEmpty();
            });
        }
    }

    /**
     * One wide record first, then four narrow ones: the narrow batch fills and is cut at once; the
     * wide record is cut only when the clock has moved its delay on, which happens once the four
     * narrow records have completed (their completions are the async operator's mails), so the
     * narrow batch always overtakes it.
     */
    private static List<InferenceResult> runOutOfOrderWorkload(OutputMode mode) throws Exception {
        ManualBatchClock clock = new ManualBatchClock();
        try (OneInputStreamOperatorTestHarness<InferenceRequest, Either<InferenceFailure, InferenceResult>> harness =
                InferenceHarnesses.of(inference(4, Duration.ofMillis(300), 2, mode), clock)) {
            harness.open();
            harness.processElement(TestRequests.tensor("slow", 192), 0L);
            for (int i = 1; i <= 4; i++) {
                harness.processElement(TestRequests.tensor("fast-" + i, 96), 0L);
            }
            for (int completed = 0; completed < 4; completed++) {
                harness.getTaskMailbox().take(TaskMailbox.MIN_PRIORITY).run();
            }
            clock.advance(Duration.ofMillis(300));
            harness.endInput();
            return results(harness);
        }
    }

    private static List<InferenceRequest> tensors(String prefix, int count, int width) {
        List<InferenceRequest> requests = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            requests.add(TestRequests.tensor(prefix + "-" + i, width));
        }
        return requests;
    }

    /**
     * Work-conserving off: these tests form batches by size and by the delay with contexts idle,
     * which work-conserving cutting (the default, tested on its own above) no longer does. Fitting
     * off: they need batches of {@code maxBatch}, not of the knee this machine's classifier has.
     */
    private static Inference<InferenceRequest, InferenceResult> inference(int maxBatch, Duration delay, int inflight, OutputMode mode) {
        return Inference.builder()
                .modelStore(TestModels.store().root())
                .model("ppocr-cls")
                .maxBatchSize(maxBatch)
                .maxQueueDelay(delay)
                .maxInflightBatches(inflight)
                .outputMode(mode)
                .workConserving(false)
                .fitToEngine(false)
                .build();
    }

    private static OneInputStreamOperatorTestHarness<InferenceRequest, Either<InferenceFailure, InferenceResult>> harness(
            Inference<InferenceRequest, InferenceResult> inference) throws Exception {
        return InferenceHarnesses.of(inference);
    }

    /** Processes every request, then moves the batchers' clock on by {@code delay}, then ends the input. */
    private static List<InferenceResult> runToEnd(Inference<InferenceRequest, InferenceResult> inference,
            List<InferenceRequest> requests, ManualBatchClock clock, Duration delay) throws Exception {
        try (OneInputStreamOperatorTestHarness<InferenceRequest, Either<InferenceFailure, InferenceResult>> harness =
                InferenceHarnesses.of(inference, clock)) {
            harness.open();
            for (InferenceRequest request : requests) {
                harness.processElement(request, 0L);
            }
            clock.advance(delay);
            harness.endInput(); // waits for every record in flight, as Flink does at the end of input
            return results(harness);
        }
    }

    private static List<InferenceResult> results(
            OneInputStreamOperatorTestHarness<InferenceRequest, Either<InferenceFailure, InferenceResult>> harness) {
        List<Either<InferenceFailure, InferenceResult>> outputs = harness.extractOutputValues();
        assertThat(outputs).noneMatch(Either::isLeft);
        return outputs.stream().map(Either::right).map(Function.identity()).toList();
    }
}
