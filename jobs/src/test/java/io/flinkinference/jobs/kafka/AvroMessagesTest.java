package io.flinkinference.jobs.kafka;

import io.flinkinference.avro.ImageEncoding;
import io.flinkinference.avro.ImageRecord;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AvroMessagesTest {
    private final AvroMessages<ImageRecord> messages = new AvroMessages<>(ImageRecord.getClassSchema());

    @Test
    void roundTripsWithSingleObjectEncoding() throws IOException {
        ImageRecord record = ImageProducer.image("a", new byte[] {1, 2, 3}, ImageEncoding.PNG, Map.of("k", "v"));
        byte[] bytes = messages.encode(record);

        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        assertThat(messages.decode(bytes, null)).isEqualTo(record);
    }

    @Test
    void aRunningReaderReadsMessagesOfANewerSchemaWithAnAddedOptionalField() throws IOException {
        // A producer upgraded to a schema with a new optional field, the old reader unchanged.
        Schema newer = withOptionalField(ImageRecord.getClassSchema(), "cameraId");
        GenericRecord record = new GenericData.Record(newer);
        record.put("id", "from-the-future");
        record.put("eventTimeMillis", Instant.parse("2026-11-23T10:00:00Z").toEpochMilli());
        record.put("encoding", new GenericData.EnumSymbol(newer.getField("encoding").schema(), "PNG"));
        record.put("data", ByteBuffer.wrap(new byte[] {9, 8, 7}));
        record.put("headers", Map.of("k", "v"));
        record.put("cameraId", "gate-7");
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), newer).encode(record).array();

        assertThatThrownBy(() -> messages.decode(bytes, null))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("schema this reader does not know");

        ImageRecord read = messages.decode(bytes, newer.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(read.getId()).isEqualTo("from-the-future");
        assertThat(read.getEncoding()).isEqualTo(ImageEncoding.PNG);
        assertThat(read.getData()).isEqualTo(ByteBuffer.wrap(new byte[] {9, 8, 7}));
        assertThat(read.getHeaders()).containsEntry("k", "v");
        // Once learned, the newer schema is known without the header too.
        assertThat(messages.decode(bytes, null).getId()).isEqualTo("from-the-future");
    }

    @Test
    void rejectsBytesThatAreNotASingleObjectMessage() {
        assertThatThrownBy(() -> messages.decode("hello world".getBytes(StandardCharsets.UTF_8), null))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Not an Avro single-object message");
        byte[] truncated = java.util.Arrays.copyOf(messages.encode(
                ImageProducer.image("a", new byte[100], ImageEncoding.PNG, Map.of())), 20);
        assertThatThrownBy(() -> messages.decode(truncated, null)).isInstanceOf(IOException.class);
    }

    private static Schema withOptionalField(Schema schema, String name) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field existing : schema.getFields()) {
            fields.add(new Schema.Field(existing, existing.schema()));
        }
        fields.add(new Schema.Field(name, Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
                "added in a later version", Schema.Field.NULL_DEFAULT_VALUE));
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }
}
