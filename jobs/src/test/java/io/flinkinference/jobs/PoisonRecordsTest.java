package io.flinkinference.jobs;

import io.flinkinference.avro.DeadLetter;
import io.flinkinference.avro.ImageEncoding;
import io.flinkinference.avro.ImageRecord;
import io.flinkinference.avro.InferenceResult;
import io.flinkinference.jobs.kafka.AvroMessages;
import io.flinkinference.jobs.hostile.HostileInputs;
import io.flinkinference.jobs.kafka.ImageProducer;
import io.flinkinference.jobs.kafka.OutputReader;
import io.flinkinference.operators.InferenceOptions;
import io.flinkinference.samples.EmbeddedKafka;
import io.flinkinference.samples.TextLineImages;
import io.flinkinference.testing.TestClusters;
import io.flinkinference.testing.TestModels;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Records that each once sent the job into an endless restart loop (issue 17): now each becomes a
 * dead letter with its reason and the job goes on. The job runs without restarts, so that a record
 * that still fails the job fails this test at once instead of looping.
 */
class PoisonRecordsTest {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = TestClusters.oneTaskManager(1);

    /** Kafka's default message.max.bytes: a dead-letter topic left as most brokers have it. */
    private static final int DEFAULT_TOPIC_LIMIT = 1_048_588;

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.start();
        kafka.createTopics(1, "poison-images", "poison-results");
        try (var admin = kafka.admin()) {
            admin.createTopics(List.of(new NewTopic("poison-dead", 1, (short) 1)
                    .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(DEFAULT_TOPIC_LIMIT)))))
                    .all().get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @Test
    void eachPoisonRecordBecomesADeadLetterAndTheJobGoesOn() throws Exception {
        Random random = new Random(17);
        byte[] twoMegabytes = new byte[2_000_000];
        random.nextBytes(twoMegabytes);
        byte[] nearOneMegabyte = new byte[1_047_000];
        random.nextBytes(nearOneMegabyte);
        AvroMessages<ImageRecord> images = new AvroMessages<>(ImageRecord.getClassSchema());
        try (ImageProducer producer = new ImageProducer(kafka.bootstrapServers(), "poison-images", new Properties())) {
            producer.send(ImageProducer.image("good", new TextLineImages(3).sample(false).png(), ImageEncoding.PNG, Map.of()));
            producer.send(ImageProducer.image("claims-26700x26700", io.flinkinference.samples.ImageFiles.claimingSize(HostileInputs.jpeg(), 26_700, 26_700), ImageEncoding.JPEG, Map.of()));
            producer.send(ImageProducer.image("png-bomb", HostileInputs.blankPng(7_000, 7_000), ImageEncoding.PNG, Map.of()));
            producer.send(ImageProducer.image("two-megabytes", twoMegabytes, ImageEncoding.PNG, Map.of()));
            producer.send(ImageProducer.image("near-one-megabyte", nearOneMegabyte, ImageEncoding.PNG, Map.of()));
            producer.sendRaw("claims-a-2gb-id", HostileInputs.claimsA2GbId());
            producer.flush();
        }

        Configuration noRestarts = new Configuration();
        noRestarts.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(noRestarts);
        Configuration inference = new Configuration();
        inference.set(InferenceOptions.MODEL, "ppocr-cls");
        inference.set(InferenceOptions.MODEL_STORE, TestModels.storeLocation());
        inference.set(InferenceOptions.MAX_QUEUE_DELAY, Duration.ofMillis(10));
        inference.set(InferenceOptions.MAX_IMAGE_PIXELS, 40_000_000L); // under the PNG's 49 megapixels
        StreamingInferenceJob.Settings settings = new StreamingInferenceJob.Settings(kafka.bootstrapServers(), "poison-images",
                "poison-results", "poison-dead", "poison-test", inference, new Properties(), DeliveryGuarantee.AT_LEAST_ONCE,
                Duration.ofSeconds(1), 1, true);
        StreamingInferenceJob.preflight(settings);
        StreamingInferenceJob.build(env, settings);
        assertThat(env.getConfiguration().get(RestartStrategyOptions.RESTART_STRATEGY)).as("the test's own setting is kept")
                .isEqualTo("none");
        env.execute("poison records");

        List<InferenceResult> results = new ArrayList<>();
        List<DeadLetter> letters = new ArrayList<>();
        try (OutputReader reader = new OutputReader(kafka.bootstrapServers(), "poison-results", "poison-dead", new Properties())) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while ((results.isEmpty() || letters.size() < 5) && System.nanoTime() < deadline) {
                OutputReader.Batch batch = reader.poll(Duration.ofMillis(500));
                results.addAll(batch.results());
                letters.addAll(batch.deadLetters());
            }
        }
        assertThat(results).extracting(InferenceResult::getId).containsExactly("good");
        Map<String, DeadLetter> byKey = letters.stream().collect(Collectors.toMap(DeadLetter::getKey, Function.identity()));
        assertThat(byKey).containsOnlyKeys("claims-26700x26700", "png-bomb", "two-megabytes", "near-one-megabyte", "claims-a-2gb-id");

        assertThat(byKey.get("claims-26700x26700").getStage()).isEqualTo("DECODE");
        assertThat(byKey.get("claims-26700x26700").getErrorMessage()).contains("26700x26700").contains("limit of 40.0 megapixels");
        assertThat(byKey.get("png-bomb").getErrorMessage()).contains("7000x7000").contains("inference.image.max-pixels");
        assertThat(byKey.get("claims-a-2gb-id").getStage()).isEqualTo("DESERIALIZE");
        assertThat(byKey.get("claims-a-2gb-id").getErrorMessage()).contains("string of 2147483000 bytes is claimed");

        for (var whole : Map.of("two-megabytes", twoMegabytes, "near-one-megabyte", nearOneMegabyte).entrySet()) {
            DeadLetter letter = byKey.get(whole.getKey());
            byte[] kept = new byte[letter.getOriginalBytes().remaining()];
            letter.getOriginalBytes().duplicate().get(kept);
            assertThat(letter.getStage()).isEqualTo("DECODE");
            assertThat(letter.getTopic()).isEqualTo("poison-images");
            assertThat(letter.getOriginalTruncated()).as(whole.getKey()).isTrue();
            assertThat(letter.getOriginalLength()).isEqualTo(whole.getValue().length);
            assertThat(letter.getOriginalSha256()).isEqualTo(HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(whole.getValue())));
            assertThat(kept.length).isBetween(DEFAULT_TOPIC_LIMIT - 16_384, DEFAULT_TOPIC_LIMIT);
            assertThat(kept).isEqualTo(Arrays.copyOf(whole.getValue(), kept.length));
        }
    }

    @Test
    void theJobBoundsItsRestartsWhenTheConfigurationSetsNone() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Configuration inference = new Configuration();
        inference.set(InferenceOptions.MODEL, "ppocr-cls");
        inference.set(InferenceOptions.MODEL_STORE, TestModels.storeLocation());
        StreamingInferenceJob.build(env, new StreamingInferenceJob.Settings(kafka.bootstrapServers(), "poison-images",
                "poison-results", "poison-dead", "poison-restarts", inference, new Properties(), DeliveryGuarantee.AT_LEAST_ONCE,
                Duration.ofSeconds(1), 1, true));

        assertThat(env.getConfiguration().get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("exponential-delay");
        assertThat(env.getConfiguration().get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS)).isEqualTo(10);
        assertThat(env.getConfiguration().get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF))
                .isEqualTo(Duration.ofMinutes(1));
    }
}
