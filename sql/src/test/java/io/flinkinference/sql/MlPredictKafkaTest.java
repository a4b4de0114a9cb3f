package io.flinkinference.sql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flinkinference.avro.ImageEncoding;
import io.flinkinference.jobs.kafka.ImageProducer;
import io.flinkinference.samples.EmbeddedKafka;
import io.flinkinference.samples.TextLineImages;
import io.flinkinference.testing.TestClusters;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The query of docs/SQL.md over Kafka: images that {@code ImageProducer} (what {@code produce}
 * runs) wrote, read by the {@code flink-inference-image} format, classified by ML_PREDICT, written as
 * JSON to a Kafka table and read back from the topic, row by row against the truth.
 */
class MlPredictKafkaTest {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = TestClusters.oneTaskManager(2);

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void broker() throws Exception {
        kafka = EmbeddedKafka.start();
        kafka.createTopics(2, "images", "results");
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void classifiesTheImagesOfAKafkaTableIntoAKafkaTable() throws Exception {
        List<TextLineImages.Sample> lines = SqlTestLines.lines(15, 40);
        Map<String, String> truth = new HashMap<>();
        try (ImageProducer producer = new ImageProducer(kafka.bootstrapServers(), "images", new Properties())) {
            for (int i = 0; i < lines.size(); i++) {
                String id = "line-" + i;
                truth.put(id, lines.get(i).orientationLabel());
                producer.send(ImageProducer.image(id, lines.get(i).png(), ImageEncoding.PNG, Map.of("truth", truth.get(id))));
            }
            producer.flush();
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        tables.executeSql("CREATE TABLE images (id STRING, data BYTES, headers MAP<STRING, STRING>) WITH ("
                + "'connector' = 'kafka', 'topic' = 'images', 'properties.bootstrap.servers' = '" + kafka.bootstrapServers() + "', "
                + "'properties.group.id' = 'sql-test', 'scan.startup.mode' = 'earliest-offset', "
                + "'scan.bounded.mode' = 'latest-offset', 'format' = 'flink-inference-image')");
        tables.executeSql("CREATE TABLE results (id STRING, truth STRING, label STRING, score FLOAT) WITH ("
                + "'connector' = 'kafka', 'topic' = 'results', 'properties.bootstrap.servers' = '" + kafka.bootstrapServers() + "', "
                + "'format' = 'json')");
        tables.executeSql(SqlTestLines.createClassifier("orientation", "INPUT (data BYTES) OUTPUT (label STRING, score FLOAT)", ""));

        tables.executeSql("INSERT INTO results SELECT id, headers['truth'], label, score FROM ML_PREDICT("
                + "TABLE images, MODEL orientation, DESCRIPTOR(data), MAP['async', 'true', 'max-concurrent-operations', '64'])")
                .await();

        Map<String, JsonNode> results = readResults(lines.size(), Duration.ofSeconds(60));
        assertThat(results.keySet()).isEqualTo(truth.keySet());
        long right = results.values().stream().filter(r -> r.get("label").asText().equals(r.get("truth").asText())).count();
        assertThat(right).as("results right, of %d", results.size()).isGreaterThanOrEqualTo(38);
        assertThat(results.values()).allSatisfy(r -> assertThat(r.get("score").floatValue()).isBetween(0f, 1f));
    }

    /** The results topic's records by id, polled until {@code count} ids came or the deadline passed. */
    private static Map<String, JsonNode> readResults(int count, Duration within) throws Exception {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "sql-test-reader");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        ObjectMapper json = new ObjectMapper();
        Map<String, JsonNode> results = new HashMap<>();
        long deadline = System.nanoTime() + within.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of("results"));
            while (results.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    JsonNode result = json.readTree(record.value());
                    results.put(result.get("id").asText(), result);
                }
            }
        }
        return results;
    }
}
