package io.flinkinference.jobs.ocr;

import io.flinkinference.jobs.kafka.AvroMessages;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The Avro messages of one topic as a {@code read_committed} consumer sees them, from the
 * beginning, kept by key with every copy: what a downstream reader of the job gets, duplicates
 * included, so that a test can count them.
 */
final class CommittedMessages<T extends SpecificRecord> implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(300);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions;
    private final AvroMessages<T> messages;
    private final Function<T, CharSequence> key;
    private final Map<String, List<T>> byKey = new LinkedHashMap<>();

    CommittedMessages(String bootstrapServers, String topic, Schema schema, Function<T, CharSequence> key) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        this.messages = new AvroMessages<>(schema);
        this.key = key;
    }

    /** Reads until messages with at least {@code count} distinct keys have arrived. */
    void awaitDistinctKeys(int count, Duration timeout) throws IOException {
        pollUntil(count + " distinct keys", timeout, () -> byKey.size() >= count);
    }

    /**
     * Reads everything committed so far: up to the end offsets as a read_committed consumer sees
     * them (the last stable offsets), which an open transaction would hold back.
     */
    void readToEnd(Duration timeout) throws IOException {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        pollUntil("the end offsets " + end, timeout, () -> partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p)));
    }

    /** Reads what arrives within one poll (at most 300 ms). */
    void poll() throws IOException {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
            T value = messages.decode(record.value(), record.headers().lastHeader(AvroMessages.SCHEMA_HEADER).value());
            byKey.computeIfAbsent(key.apply(value).toString(), k -> new ArrayList<>()).add(value);
        }
    }

    /** Every message read, by key, in the order read. */
    Map<String, List<T>> byKey() {
        return byKey;
    }

    /** The one message of each key; fails naming a key that came more than once. */
    Map<String, T> onePerKey() {
        Map<String, T> one = new LinkedHashMap<>();
        byKey.forEach((k, copies) -> {
            if (copies.size() != 1) {
                throw new AssertionError(k + " was written " + copies.size() + " times");
            }
            one.put(k, copies.get(0));
        });
        return one;
    }

    private void pollUntil(String what, Duration timeout, BooleanSupplier done) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Gave up after " + timeout.toSeconds() + " s waiting for " + what + "; read "
                        + byKey.size() + " distinct keys");
            }
            poll(); // blocks up to 300 ms for messages: the loop waits on the broker, not on a timer
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
