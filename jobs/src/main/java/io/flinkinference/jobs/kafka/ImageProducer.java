package io.flinkinference.jobs.kafka;

import io.flinkinference.avro.ImageEncoding;
import io.flinkinference.avro.ImageRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;

/** Sends images to a topic as Avro {@code ImageRecord} messages keyed by id. */
public final class ImageProducer implements AutoCloseable {
    private final String topic;
    private final KafkaProducer<byte[], byte[]> producer;
    private final AvroMessages<ImageRecord> messages = new AvroMessages<>(ImageRecord.getClassSchema());

    public ImageProducer(String bootstrapServers, String topic, Properties extra) {
        Properties props = new Properties();
        props.putAll(extra);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(16 << 20));
        this.topic = topic;
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    public static ImageRecord image(String id, byte[] bytes, ImageEncoding encoding, Map<String, String> headers) {
        return ImageRecord.newBuilder()
                .setId(id)
                .setEventTimeMillis(Instant.now())
                .setEncoding(encoding)
                .setData(ByteBuffer.wrap(bytes))
                .setHeaders(headers)
                .build();
    }

    public Future<RecordMetadata> send(ImageRecord image) {
        return sendRaw(image.getId(), messages.encode(image));
    }

    /** An image's Avro value, encoded once, with what it takes on the broker. */
    public record Encoded(String key, byte[] value, int messageBytes) {}

    /**
     * Encodes an image for {@link #send(Encoded)}, with the bytes its record takes on the broker,
     * near enough to compare with a topic's {@code max.message.bytes}: the Avro value, the key, the
     * schema header and a record batch's framing.
     */
    public Encoded encode(ImageRecord image) {
        byte[] value = messages.encode(image);
        return new Encoded(image.getId(), value, value.length + image.getId().getBytes(StandardCharsets.UTF_8).length
                + messages.schemaHeader().length + AvroMessages.SCHEMA_HEADER.length() + RECORD_BATCH_OVERHEAD);
    }

    public Future<RecordMetadata> send(Encoded image) {
        return sendRaw(image.key(), image.value());
    }

    /** A record batch's header (61 bytes in format v2) and one record's varint framing, rounded up. */
    private static final int RECORD_BATCH_OVERHEAD = 128;

    /** Sends any bytes as a value, for example a message that is not Avro at all. */
    public Future<RecordMetadata> sendRaw(String key, byte[] value) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value);
        record.headers().add(AvroMessages.SCHEMA_HEADER, messages.schemaHeader());
        return producer.send(record);
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
