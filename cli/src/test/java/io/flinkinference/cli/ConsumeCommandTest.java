package io.flinkinference.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flinkinference.avro.DeadLetter;
import io.flinkinference.jobs.kafka.AvroMessages;
import io.flinkinference.samples.EmbeddedKafka;
import io.flinkinference.testing.CommandRunner;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * consume against a real broker, on topics written before it starts, with Kafka's default delay
 * before a new group's first assignment (3 s). The idle time must count from when the consumer
 * has its partitions: joining the group takes longer than the 200 ms idle used here, so a timer
 * started earlier prints nothing.
 */
class ConsumeCommandTest {
    private static final AvroMessages<DeadLetter> MESSAGES = new AvroMessages<>(DeadLetter.getClassSchema());
    private static EmbeddedKafka kafka;

    private final CommandRunner cli = CommandRunner.of(FlinkInferenceCli::commandLine);

    @BeforeAll
    static void start() throws IOException {
        // Kafka's default: a new consumer group waits 3 s before its first assignment, far longer than --idle below.
        kafka = EmbeddedKafka.start(java.util.Map.of("group.initial.rebalance.delay.ms", "3000"));
        kafka.createTopics(1, "c-results", "c-dead", "mixed-results", "mixed-dead");
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 5; i++) {
                producer.send(deadLetter("c-dead", i));
            }
            // Topics another producer also writes to: plain bytes, and a dead letter where results belong.
            producer.send(new ProducerRecord<>("mixed-results", "not avro at all".getBytes(StandardCharsets.UTF_8)));
            producer.send(deadLetter("mixed-results", 0));
            producer.send(deadLetter("mixed-dead", 1));
            producer.send(deadLetter("mixed-dead", 2));
        }
    }

    private static ProducerRecord<byte[], byte[]> deadLetter(String topic, int i) {
        DeadLetter letter = DeadLetter.newBuilder().setKey("img-" + i).setId("img-" + i).setTopic("images").setPartition(0)
                .setOffset(i).setStage("DECODE").setErrorClass("BadInputException").setErrorMessage("truncated JPEG " + i)
                .setOriginalBytes(ByteBuffer.wrap(new byte[] {1, 2, 3})).setFailedAtMillis(Instant.ofEpochMilli(1_000L * i))
                .build();
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, ("img-" + i).getBytes(StandardCharsets.UTF_8),
                MESSAGES.encode(letter));
        record.headers().add(AvroMessages.SCHEMA_HEADER, MESSAGES.schemaHeader());
        return record;
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    @Test
    void aShortIdleStillPrintsWhatTheTopicsHold() {
        assertThat(consume("--idle", "200ms")).isZero();
        assertThat(cli.out().lines().filter(l -> l.startsWith("DEAD"))).hasSize(5);
    }

    @Test
    void maxMessagesStopsAfterThatManyAndJsonGivesOneObjectPerLine() throws Exception {
        assertThat(consume("--json", "--max-messages", "3", "--idle", "30s")).isZero();
        List<String> lines = cli.out().lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).hasSize(3);
        ObjectMapper mapper = new ObjectMapper();
        for (int i = 0; i < lines.size(); i++) {
            JsonNode line = mapper.readTree(lines.get(i));
            assertThat(line.get("type").asText()).isEqualTo("dead_letter");
            assertThat(line.get("key").asText()).isEqualTo("img-" + i);
            assertThat(line.get("stage").asText()).isEqualTo("DECODE");
            assertThat(line.get("errorMessage").asText()).isEqualTo("truncated JPEG " + i);
            assertThat(line.get("offset").asLong()).isEqualTo(i);
        }
    }

    @Test
    void foreignRecordsAreSkippedCountedAndNamedOnStderr() {
        assertThat(cli.run("consume", "-b", kafka.bootstrapServers(), "--output-topic", "mixed-results",
                "--dead-letter-topic", "mixed-dead", "--idle", "200ms")).isZero();

        assertThat(cli.out().lines().filter(l -> l.startsWith("DEAD"))).hasSize(2);
        assertThat(cli.err())
                .contains("skipped unreadable record mixed-results-0 offset 0: Not an Avro single-object message")
                .contains("skipped unreadable record mixed-results-0 offset 1")
                .contains("Skipped 2 unreadable record(s)");
    }

    @Test
    void missingTopicsAreAnErrorAndAreNotCreated() throws Exception {
        assertThat(cli.run("consume", "-b", kafka.bootstrapServers(), "--output-topic", "no-results",
                "--dead-letter-topic", "c-dead", "--idle", "200ms")).isEqualTo(1);

        assertThat(cli.err()).startsWith("error: Topic(s) [no-results] do not exist on " + kafka.bootstrapServers());
        assertThat(cli.out()).isEmpty();
        try (var admin = kafka.admin()) {
            assertThat(admin.listTopics().names().get()).doesNotContain("no-results");
        }
    }

    private int consume(String... options) {
        String[] base = {"consume", "-b", kafka.bootstrapServers(), "--output-topic", "c-results", "--dead-letter-topic", "c-dead"};
        String[] args = java.util.Arrays.copyOf(base, base.length + options.length);
        System.arraycopy(options, 0, args, base.length, options.length);
        return cli.run(args);
    }
}
