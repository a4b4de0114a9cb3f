package io.flinkinference.operators;

import io.flinkinference.operators.DeviceMetricReporter.Assignment;
import io.flinkinference.testing.CollectingSink;
import io.flinkinference.testing.TestModels;
import io.flinkinference.testing.TestRequests;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.types.Either;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GPU assignment across TaskManagers: two TaskManagers of two slots, each seeing two GPUs, run one
 * GPU engine at parallelism 4, and within each TaskManager its two subtasks get different GPUs,
 * wherever the scheduler puts them. Slots are spread over the TaskManagers, as on a GPU cluster,
 * so subtasks 0 and 2 share one: assigning by subtask index modulo the GPU count put both on GPU 0.
 *
 * <p>The MiniCluster decides where subtasks go, so against the old assignment that test fails only when
 * it puts subtasks of one parity together; the harness test below fails against it every time.
 *
 * <p>Flink's MiniCluster starts its TaskManagers without external resources, so the GPUs here are
 * those the test engine says it sees ({@link TwoGpuTestEngineProvider#visibleGpus()}), the path
 * TaskManagers without the {@code gpu} resource take.
 */
class GpuAssignmentJobTest {
    private static final int TASK_MANAGERS = 2;
    private static final int SLOTS = 2;
    private static final int PARALLELISM = TASK_MANAGERS * SLOTS;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(TASK_MANAGERS)
            .setNumberSlotsPerTaskManager(SLOTS)
            .setConfiguration(configuration())
            .build());

    private static Configuration configuration() {
        Configuration config = new Configuration();
        config.set(TaskManagerOptions.TASK_MANAGER_LOAD_BALANCE_MODE, TaskManagerOptions.TaskManagerLoadBalanceMode.SLOTS);
        config.setString("metrics.reporter.devices.factory.class", DeviceMetricReporter.Factory.class.getName());
        return config;
    }

    /**
     * The same in one TaskManager, whatever the scheduler does: subtasks 0 and 2 of four, opened
     * side by side in this JVM (operator test harnesses name no TaskManager, so the JVM is one).
     */
    @Test
    void subtasksZeroAndTwoInOneTaskManagerGetDifferentGpus() throws Exception {
        TwoGpuTestEngineProvider.OPENED_DEVICES.clear();
        Inference<InferenceRequest, InferenceResult> inference = Inference.builder()
                .modelStore(TestModels.store().root())
                .model("ppocr-cls")
                .engine(TwoGpuTestEngineProvider.NAME)
                .build();
        try (var first = harness(inference, 0); var third = harness(inference, 2)) {
            first.open();
            third.open();

            assertThat(TwoGpuTestEngineProvider.OPENED_DEVICES).containsExactly(0, 1);
        }
    }

    private static OneInputStreamOperatorTestHarness<InferenceRequest, Either<InferenceFailure, InferenceResult>> harness(
            Inference<InferenceRequest, InferenceResult> inference, int subtask) throws Exception {
        return InferenceHarnesses.of(inference, PARALLELISM, subtask);
    }

    @Test
    void subtasksOfOneTaskManagerGetDifferentGpus() throws Exception {
        DeviceMetricReporter.ASSIGNMENTS.clear();
        CountDownLatch gate = new CountDownLatch(1);
        TwoGpuTestEngineProvider.gate = gate;
        DeviceMetricReporter.listener = assignment -> {
            if (DeviceMetricReporter.ASSIGNMENTS.size() == PARALLELISM) {
                gate.countDown();
            }
        };

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(PARALLELISM);
        var requests = IntStream.range(0, 40).mapToObj(TestRequests::textLine).toArray(InferenceRequest[]::new);
        InferenceStreams<InferenceResult> out = Inference.builder()
                .modelStore(TestModels.store().root())
                .model("ppocr-cls")
                .engine(TwoGpuTestEngineProvider.NAME)
                .maxBatchSize(4)
                .maxQueueDelay(Duration.ofMillis(20))
                .build()
                // one source, spread to every inference subtask, so that none finishes before the others start
                .apply(env.fromData(TypeInformation.of(InferenceRequest.class), requests).rebalance());
        CollectingSink<InferenceResult> results = CollectingSink.named("gpu-assignment-results");
        out.results().sinkTo(results);

        env.execute("gpu assignment test");

        assertThat(results.collected()).hasSize(40);
        List<Assignment> assignments = DeviceMetricReporter.ASSIGNMENTS;
        assertThat(assignments).hasSize(PARALLELISM);
        Map<String, List<Integer>> devicesByTaskManager = assignments.stream().collect(Collectors.groupingBy(
                Assignment::taskManager, Collectors.mapping(Assignment::device, Collectors.toList())));
        assertThat(devicesByTaskManager).as("%s", assignments).hasSize(TASK_MANAGERS)
                .allSatisfy((taskManager, devices) -> assertThat(devices).as("GPUs of TaskManager %s in %s", taskManager, assignments)
                        .containsExactlyInAnyOrder(0, 1));
    }
}
