package io.flinkinference.jobs.kafka;

import io.flinkinference.avro.DeadLetter;
import io.flinkinference.avro.InferenceResult;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

/**
 * Reads the job's two outputs, results and dead letters, from the beginning, with
 * {@code read_committed} so that only committed (exactly-once) output is seen.
 */
public final class OutputReader implements AutoCloseable {
    private final String resultTopic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AvroMessages<InferenceResult> results = new AvroMessages<>(InferenceResult.getClassSchema());
    private final AvroMessages<DeadLetter> deadLetters = new AvroMessages<>(DeadLetter.getClassSchema());

    /** What one poll brought. */
    public record Batch(List<InferenceResult> results, List<DeadLetter> deadLetters) {}

    public OutputReader(String bootstrapServers, String resultTopic, String deadLetterTopic, Properties extra) {
        Properties props = new Properties();
        props.putAll(extra);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.putIfAbsent(ConsumerConfig.GROUP_ID_CONFIG, "flink-inference-reader-" + UUID.randomUUID());
        props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.resultTopic = resultTopic;
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(resultTopic, deadLetterTopic));
    }

    public Batch poll(Duration timeout) throws IOException {
        List<InferenceResult> newResults = new java.util.ArrayList<>();
        List<DeadLetter> newDeadLetters = new java.util.ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(timeout)) {
            Header schema = record.headers().lastHeader(AvroMessages.SCHEMA_HEADER);
            byte[] writer = schema == null ? null : schema.value();
            if (record.topic().equals(resultTopic)) {
                newResults.add(results.decode(record.value(), writer));
            } else {
                newDeadLetters.add(deadLetters.decode(record.value(), writer));
            }
        }
        return new Batch(newResults, newDeadLetters);
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
