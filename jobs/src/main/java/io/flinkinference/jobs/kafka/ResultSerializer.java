package io.flinkinference.jobs.kafka;

import io.flinkinference.avro.Label;
import io.flinkinference.avro.RawTensor;
import io.flinkinference.avro.Timings;
import io.flinkinference.operators.InferenceResult;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Writes results as Avro {@code InferenceResult} messages keyed by the record id. */
public final class ResultSerializer implements KafkaRecordSerializationSchema<InferenceResult> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private transient AvroMessages<io.flinkinference.avro.InferenceResult> messages;

    public ResultSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(InferenceResult result, KafkaSinkContext context, Long timestamp) {
        if (messages == null) {
            messages = new AvroMessages<>(io.flinkinference.avro.InferenceResult.getClassSchema());
        }
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, timestamp,
                result.id().getBytes(StandardCharsets.UTF_8), messages.encode(toAvro(result)));
        record.headers().add(AvroMessages.SCHEMA_HEADER, messages.schemaHeader());
        return record;
    }

    static io.flinkinference.avro.InferenceResult toAvro(InferenceResult result) {
        List<Label> labels = new ArrayList<>();
        for (InferenceResult.Label label : result.labels()) {
            labels.add(new Label(label.label(), label.index(), label.score()));
        }
        List<RawTensor> tensors = new ArrayList<>();
        for (InferenceResult.RawTensor tensor : result.tensors()) {
            List<Long> shape = new ArrayList<>();
            for (long dim : tensor.shape()) {
                shape.add(dim);
            }
            List<Float> values = new ArrayList<>(tensor.values().length);
            for (float value : tensor.values()) {
                values.add(value);
            }
            tensors.add(new RawTensor(tensor.name(), shape, values));
        }
        Map<String, String> headers = new HashMap<>(result.metadata());
        headers.keySet().removeIf(k -> k.startsWith("kafka."));
        return io.flinkinference.avro.InferenceResult.newBuilder()
                .setId(result.id())
                .setModel(result.model())
                .setModelVersion(result.modelVersion())
                .setEngine(result.engine())
                .setLabels(labels)
                .setText(result.text())
                .setTensors(tensors)
                .setEventTimeMillis(Instant.ofEpochMilli(result.eventTimeMillis()))
                .setTimings(new Timings(result.queueMicros(), result.batchSize(), result.inferenceMicros()))
                .setHeaders(headers)
                .build();
    }
}
