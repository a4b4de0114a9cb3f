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
                result.getId().getBytes(StandardCharsets.UTF_8), messages.encode(toAvro(result)));
        record.headers().add(AvroMessages.SCHEMA_HEADER, messages.schemaHeader());
        return record;
    }

    static io.flinkinference.avro.InferenceResult toAvro(InferenceResult result) {
        List<Label> labels = new ArrayList<>();
        for (InferenceResult.Label label : result.getLabels()) {
            labels.add(new Label(label.getLabel(), label.getIndex(), label.getScore()));
        }
        List<RawTensor> tensors = new ArrayList<>();
        for (InferenceResult.RawTensor tensor : result.getTensors()) {
            List<Long> shape = new ArrayList<>();
            for (long dim : tensor.getShape()) {
                shape.add(dim);
            }
            List<Float> values = new ArrayList<>(tensor.getValues().length);
            for (float value : tensor.getValues()) {
                values.add(value);
            }
            tensors.add(new RawTensor(tensor.getName(), shape, values));
        }
        Map<String, String> headers = new HashMap<>(result.getMetadata());
        headers.keySet().removeIf(k -> k.startsWith("kafka."));
        return io.flinkinference.avro.InferenceResult.newBuilder()
                .setId(result.getId())
                .setModel(result.getModel())
                .setModelVersion(result.getModelVersion())
                .setEngine(result.getEngine())
                .setLabels(labels)
                .setText(result.getText())
                .setTensors(tensors)
                .setEventTimeMillis(Instant.ofEpochMilli(result.getEventTimeMillis()))
                .setTimings(new Timings(result.getQueueMicros(), result.getBatchSize(), result.getInferenceMicros()))
                .setHeaders(headers)
                .build();
    }
}
