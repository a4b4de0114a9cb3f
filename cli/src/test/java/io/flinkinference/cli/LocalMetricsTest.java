package io.flinkinference.cli;

import io.flinkinference.jobs.LocalEnvironments;
import io.flinkinference.operators.Inference;
import io.flinkinference.operators.InferenceRequest;
import io.flinkinference.testing.TestModels;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A local job's inference metrics reach Prometheus with the model and its version as labels. */
class LocalMetricsTest {

    @Test
    void inferenceMetricsAreServedForPrometheusWithModelAndVersionLabels() throws Exception {
        int web = freePort();
        int metrics = freePort();
        StreamExecutionEnvironment env = LocalEnvironments.createWithWebUi(1, web, metrics);
        byte[] zeros = new byte[3 * 48 * 192 * 4];
        DataStream<InferenceRequest> requests = env.fromSequence(1, Long.MAX_VALUE)
                .map(i -> InferenceRequest.tensor("r" + i, zeros, new long[] {1, 3, 48, 192}, 0L))
                .returns(TypeInformation.of(InferenceRequest.class));
        Inference.builder().modelStore(TestModels.storeLocation()).model("ppocr-cls:1").build().apply(requests)
                .results().sinkTo(new DiscardingSink<>());
        JobClient job = env.executeAsync("metrics test");
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String body = "";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!body.contains("model=\"ppocr_cls\"") && System.nanoTime() < deadline) {
                try {
                    body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metrics + "/metrics"))
                            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
                } catch (java.io.IOException notYet) {
                    // the reporter starts with the TaskManager
                }
                Thread.sleep(200); // polling an HTTP endpoint of another component; no clock to inject
            }
            // Flink's Prometheus reporter turns characters outside [A-Za-z0-9_:] into '_', in label values too.
            assertThat(body).contains("model=\"ppocr_cls\"").contains("model_version=\"1\"")
                    .contains("flink_taskmanager_job_task_operator_inference_model_model_version_batches");
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
