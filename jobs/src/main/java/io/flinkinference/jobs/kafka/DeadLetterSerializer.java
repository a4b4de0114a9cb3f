package io.flinkinference.jobs.kafka;

import io.flinkinference.avro.DeadLetter;
import io.flinkinference.operators.InferenceFailure;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * Writes failures as Avro {@code DeadLetter} messages with the original key, topic, partition and
 * offset, the stage and the error. {@code originalBytes} is the raw Kafka value for records that
 * could not be read, and the image or tensor bytes the failing stage was given otherwise; the
 * offset points at the original message.
 */
public final class DeadLetterSerializer implements KafkaRecordSerializationSchema<InferenceFailure> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private transient AvroMessages<DeadLetter> messages;

    public DeadLetterSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(InferenceFailure failure, KafkaSinkContext context, Long timestamp) {
        if (messages == null) {
            messages = new AvroMessages<>(DeadLetter.getClassSchema());
        }
        DeadLetter letter = toAvro(failure);
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, timestamp,
                letter.getKey() == null ? null : letter.getKey().getBytes(StandardCharsets.UTF_8), messages.encode(letter));
        record.headers().add(AvroMessages.SCHEMA_HEADER, messages.schemaHeader());
        return record;
    }

    static DeadLetter toAvro(InferenceFailure failure) {
        Map<String, String> source = failure.metadata();
        boolean unreadable = failure.stage() == InferenceFailure.Stage.DESERIALIZE;
        return DeadLetter.newBuilder()
                .setKey(source.get(ImageRecordDeserializer.KEY))
                .setId(unreadable ? null : failure.id())
                .setTopic(source.getOrDefault(ImageRecordDeserializer.TOPIC, ""))
                .setPartition(Integer.parseInt(source.getOrDefault(ImageRecordDeserializer.PARTITION, "-1")))
                .setOffset(Long.parseLong(source.getOrDefault(ImageRecordDeserializer.OFFSET, "-1")))
                .setStage(failure.stage().name())
                .setErrorClass(failure.errorClass())
                .setErrorMessage(failure.reason())
                .setOriginalBytes(ByteBuffer.wrap(failure.payload() == null ? new byte[0] : failure.payload()))
                .setFailedAtMillis(Instant.now())
                .build();
    }
}
