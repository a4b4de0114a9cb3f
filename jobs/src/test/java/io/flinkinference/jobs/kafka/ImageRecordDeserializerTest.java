package io.flinkinference.jobs.kafka;

import io.flinkinference.jobs.hostile.HostileInputs;

import io.flinkinference.avro.DeadLetter;
import io.flinkinference.avro.ImageEncoding;
import io.flinkinference.avro.ImageRecord;
import io.flinkinference.operators.InferenceRequest;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile messages: whatever the value and its schema header are, the deserializer emits one
 * request marked unreadable, with the reason, and never throws (a throw fails the task, and the
 * restarted task reads the same message again, forever).
 */
class ImageRecordDeserializerTest {
    private final ImageRecordDeserializer deserializer = new ImageRecordDeserializer();
    private final AvroMessages<ImageRecord> images = new AvroMessages<>(ImageRecord.getClassSchema());

    @Test
    void aSchemaHeaderThatDoesNotParseIsAReason() {
        byte[] value = unknownSchemaMessage(HostileInputs.optionalId(), "x");

        InferenceRequest request = deserialize(value, "{not a schema".getBytes(StandardCharsets.UTF_8));

        assertThat(reason(request)).contains("'avro.schema' header").contains("is not an Avro schema");
    }

    @Test
    void aMessageOfAnotherRecordTypeIsAReason() throws IOException {
        DeadLetter other = DeadLetter.newBuilder().setTopic("t").setPartition(0).setOffset(1).setStage("DECODE")
                .setErrorClass("E").setErrorMessage("m").setOriginalBytes(ByteBuffer.wrap(new byte[3]))
                .setFailedAtMillis(Instant.EPOCH).build();
        AvroMessages<DeadLetter> letters = new AvroMessages<>(DeadLetter.getClassSchema());

        InferenceRequest request = deserialize(letters.encode(other), letters.schemaHeader());

        assertThat(reason(request)).contains("DeadLetter").contains("ImageRecord");
    }

    @Test
    void aNullIdIsAReason() {
        Schema optional = HostileInputs.optionalId();
        InferenceRequest request = deserialize(unknownSchemaMessage(optional, null), header(optional));

        assertThat(reason(request)).contains("Corrupt io.flinkinference.avro.ImageRecord message").containsIgnoringCase("null");
    }

    @Test
    void aMissingIdIsAReason() throws IOException {
        Schema withoutId = withoutField(ImageRecord.getClassSchema(), "id");
        GenericRecord record = record(withoutId, null);
        byte[] value = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), withoutId).encode(record).array();

        InferenceRequest request = deserialize(value, header(withoutId));

        assertThat(reason(request)).contains("id");
    }

    @Test
    void aSchemaHeaderOtherThanTheMessagesSchemaIsAReason() {
        InferenceRequest request = deserialize(unknownSchemaMessage(HostileInputs.optionalId(), "x"), images.schemaHeader());

        assertThat(reason(request)).contains("not the schema the message was written with");
    }

    @Test
    void anUnknownSchemaWithoutHeaderNamesTheFingerprintsNotTheReadersSchemaAsTheWriters() {
        InferenceRequest request = deserialize(unknownSchemaMessage(HostileInputs.optionalId(), "x"), null);

        assertThat(reason(request))
                .contains("written with a schema this reader does not know")
                .contains(String.format("%016x", SchemaNormalization.parsingFingerprint64(HostileInputs.optionalId())))
                .doesNotContain("written with a io.flinkinference.avro.ImageRecord schema");
    }

    @Test
    void aStringLengthBeyondTheMessageIsAReasonNotAnAllocation() throws IOException {
        // 65 bytes: the single-object header of ImageRecord, then an id whose length claims 2,147,483,000 bytes.
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(body, null);
        encoder.writeLong(2_147_483_000L);
        encoder.flush();
        ByteBuffer value = ByteBuffer.allocate(65).order(ByteOrder.LITTLE_ENDIAN);
        value.put((byte) 0xC3).put((byte) 0x01).putLong(SchemaNormalization.parsingFingerprint64(ImageRecord.getClassSchema()));
        value.put(body.toByteArray());

        // On a TaskManager's heap the 2 GB string is an OutOfMemoryError; on a test JVM's larger heap it may fit, so
        // what this thread allocates is measured instead.
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        InferenceRequest request = deserialize(value.array(), images.schemaHeader());
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(allocated).as("bytes allocated reading 65 bytes").isLessThan(64L << 20);
        assertThat(reason(request)).contains("string of 2147483000 bytes is claimed with 50 of the message's 55 bytes left");
    }

    @Test
    void aBytesLengthBeyondTheMessageIsAReason() throws IOException {
        byte[] good = images.encode(ImageProducer.image("a", new byte[100], ImageEncoding.PNG, Map.of()));
        byte[] cut = java.util.Arrays.copyOf(good, 40);

        assertThat(reason(deserialize(cut, images.schemaHeader()))).contains("bytes field of 100 bytes is claimed");
    }

    @Test
    void aGoodMessageIsARequest() {
        byte[] value = images.encode(ImageProducer.image("good", new byte[] {1, 2}, ImageEncoding.PNG, Map.of("k", "v")));

        InferenceRequest request = deserialize(value, images.schemaHeader());

        assertThat(request.metadata()).doesNotContainKey(ImageRecordDeserializer.UNREADABLE).containsEntry("k", "v");
        assertThat(request.id()).isEqualTo("good");
    }

    private InferenceRequest deserialize(byte[] value, byte[] schemaHeader) {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("images", 3, 42L, "key".getBytes(StandardCharsets.UTF_8), value);
        if (schemaHeader != null) {
            record.headers().add(AvroMessages.SCHEMA_HEADER, schemaHeader);
        }
        List<InferenceRequest> out = new ArrayList<>();
        deserializer.deserialize(record, new ListCollector<>(out));
        assertThat(out).hasSize(1);
        assertThat(out.get(0).metadata()).containsEntry(ImageRecordDeserializer.OFFSET, "42");
        return out.get(0);
    }

    private static String reason(InferenceRequest request) {
        assertThat(request.metadata()).containsKey(ImageRecordDeserializer.UNREADABLE);
        return request.metadata().get(ImageRecordDeserializer.UNREADABLE);
    }

    private static byte[] header(Schema schema) {
        return schema.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A message of ImageRecord with an optional id: a schema the reader has not seen. */
    private static byte[] unknownSchemaMessage(Schema schema, String id) {
        try {
            return new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(record(schema, id)).array();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static GenericRecord record(Schema schema, String id) {
        GenericRecord record = new GenericData.Record(schema);
        if (schema.getField("id") != null) {
            record.put("id", id);
        }
        record.put("eventTimeMillis", 0L);
        record.put("encoding", new GenericData.EnumSymbol(schema.getField("encoding").schema(), "PNG"));
        record.put("data", ByteBuffer.wrap(new byte[] {1}));
        record.put("headers", Map.of());
        return record;
    }

    private static Schema withoutField(Schema schema, String name) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : schema.getFields()) {
            if (!field.name().equals(name)) {
                fields.add(new Schema.Field(field, field.schema()));
            }
        }
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }
}
