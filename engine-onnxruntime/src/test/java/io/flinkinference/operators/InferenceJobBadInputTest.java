package io.flinkinference.operators;

import io.flinkinference.testing.TestClusters;
import io.flinkinference.testing.CollectingSink;
import io.flinkinference.testing.TestModels;
import io.flinkinference.testing.TestRequests;

import io.flinkinference.operators.InferenceFailure.Stage;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad records go to the failure side output with a reason; every good record still gets its result.
 * The job runs without Kryo, so every record type on the way has a Flink serializer.
 */
class InferenceJobBadInputTest {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = TestClusters.oneTaskManager(2);

    @Test
    void badRecordsLandOnTheSideOutputAndTheJobFinishes() throws Exception {
        List<InferenceRequest> requests = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            requests.add(TestRequests.textLine(i));
        }
        byte[] png = TestRequests.textLine(99).payload();
        requests.add(InferenceRequest.image("corrupt", "this is not an image".getBytes(), 0));
        requests.add(InferenceRequest.image("truncated-png", Arrays.copyOf(png, png.length / 2), 0));
        requests.add(InferenceRequest.tensor("short-tensor", new byte[100], new long[] {1, 3, 48, 192}, 0));
        requests.add(withPayloadOf(TestRequests.tensor("wrong-channels", 192), new long[] {1, 4, 48, 144}));
        requests.add(InferenceRequest.image("empty", new byte[0], 0));

        // Requests, results and failures must all travel with Flink's own serializers: with
        // generic types off, any of them (or a field of them) that needed Kryo fails the job.
        Configuration noKryo = new Configuration();
        noKryo.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(noKryo);
        env.setParallelism(2);
        InferenceStreams<InferenceResult> out = Inference.builder()
                .modelStore(TestModels.store().root())
                .model("ppocr-cls")
                .maxQueueDelay(Duration.ofMillis(10))
                .build()
                .apply(env.fromData(TypeInformation.of(InferenceRequest.class), requests.toArray(new InferenceRequest[0])));
        CollectingSink<InferenceResult> results = CollectingSink.named("bad-input-results");
        CollectingSink<InferenceFailure> failures = CollectingSink.named("bad-input-failures");
        out.results().sinkTo(results);
        out.failures().sinkTo(failures);

        env.execute("bad input test");

        assertThat(results.collected()).hasSize(30).allSatisfy(r -> assertThat(r.id()).startsWith("line-"));
        Map<String, InferenceFailure> byId = failures.collected().stream()
                .collect(Collectors.toMap(InferenceFailure::id, Function.identity()));
        assertThat(byId).containsOnlyKeys("corrupt", "truncated-png", "short-tensor", "wrong-channels", "empty");
        assertThat(byId.get("corrupt").stage()).isEqualTo(Stage.DECODE);
        assertThat(byId.get("corrupt").reason()).contains("not an image format");
        assertThat(byId.get("corrupt").payload()).isEqualTo("this is not an image".getBytes());
        assertThat(byId.get("truncated-png").stage()).isEqualTo(Stage.DECODE);
        assertThat(byId.get("truncated-png").reason()).contains("corrupt or truncated");
        assertThat(byId.get("short-tensor").reason()).contains("has 100 bytes").contains("needs 110592");
        assertThat(byId.get("wrong-channels").stage()).isEqualTo(Stage.PREPROCESS);
        assertThat(byId.get("wrong-channels").reason()).contains("dimension 1 must be 3");
        assertThat(byId.get("empty").reason()).contains("empty");
    }

    /** The same bytes declared with another shape of the same element count. */
    private static InferenceRequest withPayloadOf(InferenceRequest request, long[] shape) {
        return new InferenceRequest(request.id(), request.encoding(), request.payload(), shape,
                request.eventTimeMillis(), request.metadata());
    }
}
