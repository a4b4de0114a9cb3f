package io.flinkinference.jobs;

import io.flinkinference.testing.TestModels;
import io.flinkinference.testing.TestClusters;
import io.flinkinference.avro.ImageEncoding;
import io.flinkinference.avro.InferenceResult;
import io.flinkinference.samples.EmbeddedKafka;
import io.flinkinference.jobs.kafka.ImageProducer;
import io.flinkinference.jobs.kafka.OutputReader;
import io.flinkinference.operators.InferenceOptions;
import io.flinkinference.samples.TextLineImages;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.CommonTestUtils;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exactly-once: a TaskManager dies mid-stream, after a checkpoint, while images keep arriving;
 * a read_committed reader then sees every id exactly once.
 */
class ExactlyOnceTest {
    private static final int IMAGES = 300;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = TestClusters.oneTaskManager(2);

    @Test
    void everyIdExactlyOnceAfterATaskManagerDies(@InjectMiniCluster MiniCluster miniCluster) throws Exception {
        String store = TestModels.storeLocation();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(2, "eo-images", "eo-results", "eo-dead");
            Configuration inference = new Configuration();
            inference.set(InferenceOptions.MODEL, "ppocr-cls");
            inference.set(InferenceOptions.MODEL_STORE, store);
            inference.set(InferenceOptions.MAX_QUEUE_DELAY, Duration.ofMillis(5));
            StreamingInferenceJob.Settings settings = new StreamingInferenceJob.Settings(kafka.bootstrapServers(), "eo-images",
                    "eo-results", "eo-dead", "eo-test", inference, new Properties(), DeliveryGuarantee.EXACTLY_ONCE,
                    Duration.ofSeconds(2), 2, false);

            Configuration config = new Configuration();
            config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 5);
            config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
            StreamingInferenceJob.build(env, settings);
            JobClient job = env.executeAsync("exactly-once test");

            Thread producer = new Thread(() -> produce(kafka.bootstrapServers()), "images");
            producer.start();
            CommonTestUtils.waitForCheckpoint(job.getJobID(), miniCluster, 1);
            Thread.sleep(1_000); // halfway to the next checkpoint: results written since the last one are in doubt
            // A real failure: the only TaskManager dies with records in flight; a new one takes over.
            miniCluster.terminateTaskManager(0).get(30, TimeUnit.SECONDS);
            miniCluster.startTaskManager();
            producer.join();

            List<InferenceResult> results = new ArrayList<>();
            try (OutputReader reader = new OutputReader(kafka.bootstrapServers(), "eo-results", "eo-dead", new Properties())) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (distinctIds(results) < IMAGES && System.nanoTime() < deadline) {
                    results.addAll(reader.poll(Duration.ofMillis(500)).results());
                }
                // Anything still to come (a duplicate) would show up within a few more checkpoints.
                long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                while (System.nanoTime() < settle) {
                    results.addAll(reader.poll(Duration.ofMillis(500)).results());
                }
            }
            job.cancel().get(30, TimeUnit.SECONDS);

            Map<String, Long> perId = results.stream().collect(Collectors.groupingBy(InferenceResult::getId, Collectors.counting()));
            assertThat(perId).hasSize(IMAGES);
            assertThat(perId).allSatisfy((id, count) -> assertThat(count).as("results for %s", id).isEqualTo(1));
        }
    }

    private static long distinctIds(List<InferenceResult> results) {
        return results.stream().map(InferenceResult::getId).distinct().count();
    }

    private static void produce(String bootstrap) {
        try (ImageProducer producer = new ImageProducer(bootstrap, "eo-images", new Properties())) {
            TextLineImages lines = new TextLineImages(3);
            for (int i = 0; i < IMAGES; i++) {
                producer.send(ImageProducer.image("eo-" + i, lines.sample(i % 2 == 0).png(), ImageEncoding.PNG, Map.of()));
                Thread.sleep(10); // about 100 images/s, so that the failure happens mid-stream
            }
            producer.flush();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
