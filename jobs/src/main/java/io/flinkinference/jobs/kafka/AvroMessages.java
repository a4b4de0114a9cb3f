package io.flinkinference.jobs.kafka;

import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Avro single-object encoding (a 10-byte header with the writer schema's fingerprint, then the
 * binary record) for one record type, plus the writer schema in a Kafka header so that a reader
 * that has never seen a newer schema can still resolve it. That is what lets a producer add an
 * optional field without breaking a running job: the old reader learns the new writer schema from
 * the header once, resolves it against its own, and ignores the new field.
 */
public final class AvroMessages<T extends SpecificRecord> {
    /** Kafka header carrying the writer schema (JSON) of the message value. */
    public static final String SCHEMA_HEADER = "avro.schema";

    private final Schema schema;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;
    private final byte[] schemaHeader;

    public AvroMessages(Schema schema) {
        this.schema = schema;
        this.encoder = new BinaryMessageEncoder<>(SpecificData.get(), schema);
        this.decoder = new BinaryMessageDecoder<>(SpecificData.get(), schema);
        this.schemaHeader = schema.toString().getBytes(StandardCharsets.UTF_8);
    }

    public Schema schema() {
        return schema;
    }

    /** The value of {@link #SCHEMA_HEADER} for messages this codec writes. */
    public byte[] schemaHeader() {
        return schemaHeader.clone();
    }

    public byte[] encode(T record) {
        try {
            var buffer = encoder.encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot encode " + schema.getFullName(), e);
        }
    }

    /**
     * Decodes a single-object message.
     *
     * @param writerSchemaHeader the {@link #SCHEMA_HEADER} of the message, or null
     * @throws IOException when the bytes are not a message of this type (not Avro single-object
     *     encoding, an unknown schema without a header, or a corrupt body)
     */
    public synchronized T decode(byte[] bytes, byte[] writerSchemaHeader) throws IOException {
        if (bytes == null || bytes.length < 10 || bytes[0] != (byte) 0xC3 || bytes[1] != (byte) 0x01) {
            throw new IOException("Not an Avro single-object message (it must start with C3 01 and a schema fingerprint); "
                    + (bytes == null ? "no value" : bytes.length + " bytes"));
        }
        try {
            return decoder.decode(bytes);
        } catch (MissingSchemaException e) {
            if (writerSchemaHeader == null) {
                throw new IOException("The message was written with a " + schema.getFullName()
                        + " schema this reader does not know, and carries no '" + SCHEMA_HEADER
                        + "' header to resolve it: " + e.getMessage(), e);
            }
            decoder.addSchema(new Schema.Parser().parse(new String(writerSchemaHeader, StandardCharsets.UTF_8)));
            return decoder.decode(bytes);
        } catch (RuntimeException e) {
            throw new IOException("Corrupt " + schema.getFullName() + " message: " + e.getMessage(), e);
        }
    }
}
