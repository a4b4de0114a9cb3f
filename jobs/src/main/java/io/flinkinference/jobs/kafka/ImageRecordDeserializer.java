package io.flinkinference.jobs.kafka;

import io.flinkinference.avro.ImageRecord;
import io.flinkinference.operators.InferenceRequest;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Avro {@code ImageRecord} messages into {@link InferenceRequest}s, noting where each came
 * from (topic, partition, offset, key) for dead letters. A message that cannot be read is not
 * dropped and does not fail the job: it becomes a request marked {@link #UNREADABLE} with the raw
 * bytes as payload, which the job sends to the dead-letter topic.
 */
public final class ImageRecordDeserializer implements KafkaRecordDeserializationSchema<InferenceRequest> {
    private static final long serialVersionUID = 1L;

    public static final String TOPIC = "kafka.topic";
    public static final String PARTITION = "kafka.partition";
    public static final String OFFSET = "kafka.offset";
    public static final String KEY = "kafka.key";
    /** Set (to the reason) on requests whose message could not be read. */
    public static final String UNREADABLE = "flink-inference.unreadable";
    public static final String UNREADABLE_CLASS = "flink-inference.unreadable-class";

    private transient AvroMessages<ImageRecord> messages;

    @Override
    public void open(org.apache.flink.api.common.serialization.DeserializationSchema.InitializationContext context) {
        messages = new AvroMessages<>(ImageRecord.getClassSchema());
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<InferenceRequest> out) {
        if (messages == null) {
            messages = new AvroMessages<>(ImageRecord.getClassSchema());
        }
        Map<String, String> source = new HashMap<>();
        source.put(TOPIC, record.topic());
        source.put(PARTITION, Integer.toString(record.partition()));
        source.put(OFFSET, Long.toString(record.offset()));
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        if (key != null) {
            source.put(KEY, key);
        }
        Header schemaHeader = record.headers().lastHeader(AvroMessages.SCHEMA_HEADER);
        InferenceRequest request;
        try {
            request = toRequest(messages.decode(record.value(), schemaHeader == null ? null : schemaHeader.value()), source);
        } catch (IOException | RuntimeException e) {
            // Whatever the bytes or headers are, the message becomes a dead letter; an exception here would fail the
            // task, and the restarted task would read the same message again.
            source.put(UNREADABLE, e.getMessage() == null ? e.toString() : e.getMessage());
            source.put(UNREADABLE_CLASS, e.getClass().getName());
            out.collect(InferenceRequest.image(
                    key != null ? key : record.topic() + "-" + record.partition() + "@" + record.offset(),
                    record.value() == null ? new byte[0] : record.value(), record.timestamp()).withMetadata(source));
            return;
        }
        out.collect(request);
    }

    static InferenceRequest toRequest(ImageRecord image, Map<String, String> source) {
        byte[] data = bytes(image.getData());
        InferenceRequest request = image.getEncoding() == io.flinkinference.avro.ImageEncoding.TENSOR_FLOAT32
                ? InferenceRequest.tensor(image.getId(), data, shape(image.getShape()), image.getEventTimeMillis().toEpochMilli())
                : InferenceRequest.image(image.getId(), data, image.getEventTimeMillis().toEpochMilli());
        Map<String, String> metadata = new HashMap<>(image.getHeaders());
        metadata.putAll(source);
        return request.withMetadata(metadata);
    }

    private static long[] shape(List<Long> shape) {
        return shape == null ? null : shape.stream().mapToLong(Long::longValue).toArray();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer view = buffer.duplicate();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return bytes;
    }

    @Override
    public TypeInformation<InferenceRequest> getProducedType() {
        return TypeInformation.of(InferenceRequest.class);
    }
}
