package io.flinkinference.jobs.ocr;

import io.flinkinference.jobs.kafka.AvroMessages;
import io.flinkinference.operators.ocr.ImageText;
import io.flinkinference.operators.ocr.OcrLine;
import io.flinkinference.operators.ocr.OcrResult;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Writes each image's text as an Avro {@code OcrResult} message keyed by the image id, lines in reading order. */
final class OcrResultSerializer implements KafkaRecordSerializationSchema<ImageText> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private transient AvroMessages<io.flinkinference.avro.OcrResult> messages;

    OcrResultSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(ImageText image, KafkaSinkContext context, Long timestamp) {
        if (messages == null) {
            messages = new AvroMessages<>(io.flinkinference.avro.OcrResult.getClassSchema());
        }
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, timestamp,
                image.imageId().getBytes(StandardCharsets.UTF_8), messages.encode(toAvro(image)));
        record.headers().add(AvroMessages.SCHEMA_HEADER, messages.schemaHeader());
        return record;
    }

    static io.flinkinference.avro.OcrResult toAvro(ImageText image) {
        OcrResult result = image.result();
        List<io.flinkinference.avro.OcrLine> lines = new ArrayList<>();
        for (int row = 0; row < result.rows().size(); row++) {
            for (OcrLine line : result.rows().get(row)) {
                lines.add(new io.flinkinference.avro.OcrLine(line.text(), line.confidence(), row, corners(line),
                        line.box().score()));
            }
        }
        Map<String, String> headers = new HashMap<>(image.metadata());
        headers.keySet().removeIf(k -> k.startsWith("kafka."));
        return io.flinkinference.avro.OcrResult.newBuilder()
                .setId(image.imageId())
                .setText(result.text())
                .setConfidence((float) result.confidence())
                .setLines(lines)
                .setEventTimeMillis(Instant.ofEpochMilli(image.eventTimeMillis()))
                .setHeaders(headers)
                .build();
    }

    private static List<Float> corners(OcrLine line) {
        List<Float> xy = new ArrayList<>(8);
        for (java.awt.geom.Point2D p : List.of(line.box().topLeft(), line.box().topRight(), line.box().bottomRight(),
                line.box().bottomLeft())) {
            xy.add((float) p.getX());
            xy.add((float) p.getY());
        }
        return xy;
    }
}
