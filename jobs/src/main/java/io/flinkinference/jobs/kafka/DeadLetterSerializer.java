package io.flinkinference.jobs.kafka;

import io.flinkinference.avro.DeadLetter;
import io.flinkinference.operators.InferenceFailure;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.RecordBatch;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;

/**
 * Writes failures as Avro {@code DeadLetter} messages with the original key, topic, partition and
 * offset, the stage and the error. {@code originalBytes} is the raw Kafka value for records that
 * could not be read, and the image or tensor bytes the failing stage was given otherwise; the
 * offset points at the original message.
 *
 * <p>A letter never exceeds {@code maxRecordBytes}: a letter that cannot be written fails the
 * sink, and the restarted job fails on the same record again. Beyond it, the payload's first
 * bytes are kept, with its length and SHA-256, and {@code originalTruncated} is set.
 */
public final class DeadLetterSerializer implements KafkaRecordSerializationSchema<InferenceFailure> {
    private static final long serialVersionUID = 1L;
    /** Error messages are a sentence or a stack of causes; longer ones say nothing more and eat the payload's room. */
    static final int MAX_ERROR_MESSAGE_CHARS = 8_192;

    private final String topic;
    private final int maxRecordBytes;
    private transient AvroMessages<DeadLetter> messages;

    /**
     * @param maxRecordBytes the largest record this may write: the smaller of the dead-letter
     *     producer's {@code max.request.size} and the topic's {@code max.message.bytes}
     */
    public DeadLetterSerializer(String topic, int maxRecordBytes) {
        this.topic = topic;
        this.maxRecordBytes = maxRecordBytes;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(InferenceFailure failure, KafkaSinkContext context, Long timestamp) {
        if (messages == null) {
            messages = new AvroMessages<>(DeadLetter.getClassSchema());
        }
        DeadLetter letter = toAvro(failure);
        byte[] key = letter.getKey() == null ? null : letter.getKey().getBytes(StandardCharsets.UTF_8);
        byte[] value = messages.encode(letter);
        int over = recordBytes(key, value) - maxRecordBytes;
        if (over > 0) {
            ByteBuffer payload = letter.getOriginalBytes();
            int keep = Math.max(0, payload.remaining() - over);
            letter.setOriginalBytes(ByteBuffer.wrap(payload.array(), payload.arrayOffset() + payload.position(), keep).slice());
            letter.setOriginalTruncated(true);
            value = messages.encode(letter);
        }
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, timestamp, key, value);
        record.headers().add(AvroMessages.SCHEMA_HEADER, messages.schemaHeader());
        return record;
    }

    /** What the producer counts against max.request.size: key, value, the schema header and the batch's framing. */
    private int recordBytes(byte[] key, byte[] value) {
        return AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE, CompressionType.NONE, key, value,
                new org.apache.kafka.common.header.Header[] {
                    new org.apache.kafka.common.header.internals.RecordHeader(AvroMessages.SCHEMA_HEADER, messages.schemaHeader())
                });
    }

    static DeadLetter toAvro(InferenceFailure failure) {
        Map<String, String> source = failure.metadata();
        boolean unreadable = failure.stage() == InferenceFailure.Stage.DESERIALIZE;
        byte[] payload = failure.payload() == null ? new byte[0] : failure.payload();
        String reason = failure.reason() == null ? "" : failure.reason();
        return DeadLetter.newBuilder()
                .setKey(source.get(ImageRecordDeserializer.KEY))
                .setId(unreadable ? null : failure.id())
                .setTopic(source.getOrDefault(ImageRecordDeserializer.TOPIC, ""))
                .setPartition(Integer.parseInt(source.getOrDefault(ImageRecordDeserializer.PARTITION, "-1")))
                .setOffset(Long.parseLong(source.getOrDefault(ImageRecordDeserializer.OFFSET, "-1")))
                .setStage(failure.stage().name())
                .setErrorClass(failure.errorClass())
                .setErrorMessage(reason.length() <= MAX_ERROR_MESSAGE_CHARS ? reason
                        : reason.substring(0, MAX_ERROR_MESSAGE_CHARS) + " ... (" + reason.length() + " characters)")
                .setOriginalBytes(ByteBuffer.wrap(payload))
                .setOriginalLength((long) payload.length)
                .setOriginalSha256(sha256(payload))
                .setOriginalTruncated(false)
                .setFailedAtMillis(Instant.now())
                .build();
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }
}
