package io.flinkinference.jobs.kafka;

import io.flinkinference.avro.DeadLetter;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

/**
 * Reads a job's two outputs, its results (Avro records of one schema: {@code InferenceResult} for
 * the streaming job, {@code OcrResult} for the OCR job) and its dead letters, from the beginning,
 * with {@code read_committed} so that only committed (exactly-once) output is seen.
 */
public final class OutputTopicsReader<R extends SpecificRecord> implements AutoCloseable {
    private final String resultTopic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AvroMessages<R> results;
    private final AvroMessages<DeadLetter> deadLetters = new AvroMessages<>(DeadLetter.getClassSchema());

    /** What one poll brought. */
    public record Batch<R>(List<R> results, List<DeadLetter> deadLetters, List<OutputReader.Unreadable> unreadable) {}

    /** @param resultSchema the result topic's record schema, e.g. {@code OcrResult.getClassSchema()} */
    public OutputTopicsReader(String bootstrapServers, String resultTopic, String deadLetterTopic, Schema resultSchema,
            Properties extra) {
        Properties props = new Properties();
        props.putAll(extra);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.putIfAbsent(ConsumerConfig.GROUP_ID_CONFIG, "flink-inference-reader-" + UUID.randomUUID());
        props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // Reading must not create a misspelt topic (brokers allow it by default), which would then wait forever.
        props.putIfAbsent(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        this.resultTopic = resultTopic;
        this.results = new AvroMessages<>(resultSchema);
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(resultTopic, deadLetterTopic));
    }

    /**
     * Polls once. A record that does not decode (another producer's bytes, another schema) is
     * returned as {@link OutputReader.Unreadable} rather than failing the poll: one foreign record
     * must not hide the records after it.
     */
    public Batch<R> poll(Duration timeout) {
        List<R> newResults = new ArrayList<>();
        List<DeadLetter> newDeadLetters = new ArrayList<>();
        List<OutputReader.Unreadable> unreadable = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(timeout)) {
            Header schema = record.headers().lastHeader(AvroMessages.SCHEMA_HEADER);
            byte[] writer = schema == null ? null : schema.value();
            try {
                if (record.topic().equals(resultTopic)) {
                    newResults.add(results.decode(record.value(), writer));
                } else {
                    newDeadLetters.add(deadLetters.decode(record.value(), writer));
                }
            } catch (IOException | RuntimeException e) {
                // The header's schema can itself be garbage (SchemaParseException) or unresolvable (AvroTypeException).
                unreadable.add(new OutputReader.Unreadable(record.topic(), record.partition(), record.offset(), e.getMessage()));
            }
        }
        return new Batch<>(newResults, newDeadLetters, unreadable);
    }

    /**
     * Whether the consumer has been given its partitions yet. Until then a poll returns nothing
     * however much the topics hold, so waiting for "no new records" must not start before.
     */
    public boolean assigned() {
        return !consumer.assignment().isEmpty();
    }

    /**
     * Whether everything committed so far has been read: on every assigned partition the position
     * has reached the end, which for a {@code read_committed} reader is the last stable offset, so
     * open transactions do not count. False while no partition is assigned.
     */
    public boolean caughtUp() {
        Set<TopicPartition> assigned = consumer.assignment();
        if (assigned.isEmpty()) {
            return false;
        }
        Map<TopicPartition, Long> ends = consumer.endOffsets(assigned);
        return assigned.stream().allMatch(partition -> consumer.position(partition) >= ends.get(partition));
    }

    @Override
    public void close() {
        consumer.close();
    }
}
