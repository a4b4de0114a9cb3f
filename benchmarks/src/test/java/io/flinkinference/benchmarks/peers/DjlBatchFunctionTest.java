package io.flinkinference.benchmarks.peers;

import io.flinkinference.testing.TestModels;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The naive fixed batch: answers only in full batches while input lasts, and the rest when it ends. */
class DjlBatchFunctionTest {
    @Test
    void answersFullBatchesAndFlushesThePartialOneAtEndOfInput() throws Exception {
        Workload workload = Workloads.of(TestModels.classifier(), 8, 1, Duration.ZERO, null);
        DjlModel model = DjlModel.prepare(workload.model(), workload.tensorShape(), ScratchDirectory.get());
        try (OneInputStreamOperatorTestHarness<TensorRecord, Answer> harness =
                new OneInputStreamOperatorTestHarness<>(new FlushAtEndOfInput(new DjlBatchFunction(model, 4)))) {
            harness.open();
            for (int i = 0; i < 10; i++) {
                harness.processElement(new StreamRecord<>(new TensorRecord(i, 1000 + i, workload.tensors().get(i % 8))));
                // No timeout: a batch leaves only once it is full.
                assertThat(harness.extractOutputValues()).hasSize((i + 1) / 4 * 4);
            }

            harness.endInput();

            assertThat(harness.extractOutputValues()).extracting(Answer::offeredNanos)
                    .containsExactly(1000L, 1001L, 1002L, 1003L, 1004L, 1005L, 1006L, 1007L, 1008L, 1009L);
        }
    }
}
