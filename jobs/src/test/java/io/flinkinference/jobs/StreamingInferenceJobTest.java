package io.flinkinference.jobs;

import io.flinkinference.testing.TestModels;
import io.flinkinference.testing.TestClusters;
import io.flinkinference.avro.DeadLetter;
import io.flinkinference.avro.ImageEncoding;
import io.flinkinference.avro.InferenceResult;
import io.flinkinference.samples.EmbeddedKafka;
import io.flinkinference.jobs.kafka.ImageProducer;
import io.flinkinference.jobs.kafka.OutputReader;
import io.flinkinference.operators.InferenceOptions;
import io.flinkinference.samples.TextLineImages;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The streaming job end to end: a real embedded Kafka broker, a real MiniCluster, the real model. */
class StreamingInferenceJobTest {
    private static final int IMAGES = 60;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = TestClusters.oneTaskManager(2);

    private static EmbeddedKafka kafka;
    private static String store;

    @BeforeAll
    static void startKafka() throws IOException {
        kafka = EmbeddedKafka.start();
        store = TestModels.storeLocation();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @Test
    void imagesInResultsOutCorruptOnesToTheDeadLetterTopic() throws Exception {
        kafka.createTopics(2, "e2e-images", "e2e-results", "e2e-dead");
        Map<String, Long> corruptOffsets = new HashMap<>();
        try (ImageProducer producer = new ImageProducer(kafka.bootstrapServers(), "e2e-images", new Properties())) {
            for (int i = 0; i < IMAGES; i++) {
                TextLineImages.Sample sample = new TextLineImages(1000 + i).sample(i % 2 == 1);
                producer.send(ImageProducer.image("img-" + i, sample.png(), ImageEncoding.PNG,
                        Map.of("truth", sample.orientationLabel())));
            }
            byte[] good = new TextLineImages(5).sample(false).png();
            corruptOffsets.put("not-avro", producer.sendRaw("not-avro", "plain text, not Avro".getBytes()).get().offset());
            corruptOffsets.put("bad-png", offset(producer.send(ImageProducer.image("bad-png", "garbage".getBytes(), ImageEncoding.PNG, Map.of()))));
            corruptOffsets.put("truncated", offset(producer.send(ImageProducer.image("truncated",
                    Arrays.copyOf(good, good.length / 3), ImageEncoding.PNG, Map.of()))));
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        StreamingInferenceJob.Settings settings = settings(DeliveryGuarantee.AT_LEAST_ONCE);
        StreamingInferenceJob.preflight(settings);
        StreamingInferenceJob.build(env, settings);
        env.execute("end-to-end test");

        List<InferenceResult> results = new ArrayList<>();
        List<DeadLetter> deadLetters = new ArrayList<>();
        try (OutputReader reader = new OutputReader(kafka.bootstrapServers(), "e2e-results", "e2e-dead", new Properties())) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while ((results.size() < IMAGES || deadLetters.size() < 3) && System.nanoTime() < deadline) {
                OutputReader.Batch batch = reader.poll(Duration.ofMillis(500));
                results.addAll(batch.results());
                deadLetters.addAll(batch.deadLetters());
            }
        }

        Map<String, Long> perId = results.stream().collect(Collectors.groupingBy(InferenceResult::getId, Collectors.counting()));
        assertThat(perId).hasSize(IMAGES).allSatisfy((id, count) -> assertThat(count).as(id).isEqualTo(1));
        long correct = results.stream()
                .filter(r -> r.getLabels().get(0).getLabel().equals(r.getHeaders().get("truth"))).count();
        assertThat(correct).isGreaterThanOrEqualTo(Math.round(IMAGES * 0.95));
        assertThat(results.get(0).getModel()).isEqualTo("ppocr-cls");
        assertThat(results.get(0).getTimings().getBatchSize()).isPositive();

        Map<String, DeadLetter> byKey = deadLetters.stream().collect(Collectors.toMap(DeadLetter::getKey, Function.identity()));
        assertThat(byKey).containsOnlyKeys("not-avro", "bad-png", "truncated");
        byKey.forEach((key, letter) -> {
            assertThat(letter.getTopic()).isEqualTo("e2e-images");
            assertThat(letter.getOffset()).as(key).isEqualTo(corruptOffsets.get(key));
        });
        assertThat(byKey.get("not-avro").getStage()).isEqualTo("DESERIALIZE");
        assertThat(byKey.get("bad-png").getStage()).isEqualTo("DECODE");
        assertThat(byKey.get("truncated").getErrorMessage()).contains("corrupt or truncated");
    }

    private static StreamingInferenceJob.Settings settings(DeliveryGuarantee guarantee) {
        Configuration inference = new Configuration();
        inference.set(InferenceOptions.MODEL, "ppocr-cls");
        inference.set(InferenceOptions.MODEL_STORE, store);
        inference.set(InferenceOptions.MAX_QUEUE_DELAY, Duration.ofMillis(10));
        return new StreamingInferenceJob.Settings(kafka.bootstrapServers(), "e2e-images", "e2e-results", "e2e-dead",
                "e2e-test", inference, new Properties(), guarantee, Duration.ofSeconds(1), 2, true);
    }

    private static long offset(java.util.concurrent.Future<RecordMetadata> sent) throws Exception {
        return sent.get().offset();
    }
}
