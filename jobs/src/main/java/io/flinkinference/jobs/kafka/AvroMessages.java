package io.flinkinference.jobs.kafka;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.DatumReader;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

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
    /** C3 01, then the writer schema's 8-byte CRC-64-AVRO fingerprint, little-endian. */
    private static final int HEADER_BYTES = 10;
    private static final int MAX_WRITER_SCHEMAS = 64;

    private final Schema schema;
    private final BinaryMessageEncoder<T> encoder;
    private final long readerFingerprint;
    /** Readers by writer schema fingerprint; bounded, since every header may bring a new schema. */
    private final Map<Long, DatumReader<T>> readers = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, DatumReader<T>> eldest) {
            return size() > MAX_WRITER_SCHEMAS;
        }
    };
    private final byte[] schemaHeader;

    public AvroMessages(Schema schema) {
        this.schema = schema;
        this.encoder = new BinaryMessageEncoder<>(SpecificData.get(), schema);
        this.readerFingerprint = SchemaNormalization.parsingFingerprint64(schema);
        this.readers.put(readerFingerprint, new SpecificDatumReader<>(schema, schema, SpecificData.get()));
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
     * Decodes a single-object message. The header is read here rather than by Avro's
     * {@code BinaryMessageDecoder} because that one decodes from a stream, where nothing can hold
     * a claimed length to the size of the message ({@link BoundedBinaryDecoder}).
     *
     * @param writerSchemaHeader the {@link #SCHEMA_HEADER} of the message, or null
     * @throws IOException when the bytes are not a message of this type (not Avro single-object
     *     encoding, an unknown schema without a header, a header that does not parse or whose
     *     schema cannot be read as this type, or a corrupt body); never anything else
     */
    public synchronized T decode(byte[] bytes, byte[] writerSchemaHeader) throws IOException {
        if (bytes == null || bytes.length < HEADER_BYTES || bytes[0] != (byte) 0xC3 || bytes[1] != (byte) 0x01) {
            throw new IOException("Not an Avro single-object message (it must start with C3 01 and a schema fingerprint); "
                    + (bytes == null ? "no value" : bytes.length + " bytes"));
        }
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        DatumReader<T> reader = readers.get(fingerprint);
        if (reader == null) {
            reader = readerFor(fingerprint, writerSchemaHeader);
        }
        try {
            return reader.read(null, new BoundedBinaryDecoder(bytes, HEADER_BYTES, bytes.length - HEADER_BYTES));
        } catch (IOException | RuntimeException e) {
            throw new IOException("Corrupt " + schema.getFullName() + " message (" + bytes.length + " bytes): " + e.getMessage(), e);
        }
    }

    /** A reader from the writer schema in the header, once that is known to be the schema the message was written with. */
    private DatumReader<T> readerFor(long fingerprint, byte[] writerSchemaHeader) throws IOException {
        if (writerSchemaHeader == null) {
            throw new IOException(String.format("The message was written with a schema this reader does not know (fingerprint "
                    + "%016x; %s is %016x), and carries no '%s' header to resolve it.", fingerprint, schema.getFullName(),
                    readerFingerprint, SCHEMA_HEADER));
        }
        Schema writer;
        try {
            writer = new Schema.Parser().parse(new String(writerSchemaHeader, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new IOException("The message's '" + SCHEMA_HEADER + "' header (" + writerSchemaHeader.length
                    + " bytes) is not an Avro schema: " + e.getMessage(), e);
        }
        long headerFingerprint = SchemaNormalization.parsingFingerprint64(writer);
        if (headerFingerprint != fingerprint) {
            throw new IOException(String.format("The message's '%s' header holds %s (fingerprint %016x), not the schema the "
                    + "message was written with (fingerprint %016x).", SCHEMA_HEADER, writer.getFullName(), headerFingerprint, fingerprint));
        }
        // Whether it resolves to this type (a different record, a missing or null field) shows when a message is read:
        // a writer schema with an optional field may still carry values for it.
        DatumReader<T> reader = new SpecificDatumReader<>(writer, schema, SpecificData.get());
        readers.put(fingerprint, reader);
        return reader;
    }
}
