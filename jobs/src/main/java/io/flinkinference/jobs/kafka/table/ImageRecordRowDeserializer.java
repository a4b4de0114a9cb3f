package io.flinkinference.jobs.kafka.table;

import io.flinkinference.avro.ImageRecord;
import io.flinkinference.jobs.kafka.AvroMessages;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;

import java.io.IOException;
import java.util.List;

/**
 * Reads Avro {@code ImageRecord} messages (single-object encoded, as {@code produce} and
 * {@code ImageProducer} write them) into the rows of a table's declared columns. A message that is
 * not such a record fails the job, naming why, unless the table skips unreadable messages
 * ({@code ignore-parse-errors}); the DataStream job sends them to its dead-letter topic instead,
 * which a SQL source has no place for.
 */
final class ImageRecordRowDeserializer implements DeserializationSchema<RowData> {
    private static final long serialVersionUID = 1L;

    private final List<ImageRecordFields> fields;
    private final TypeInformation<RowData> producedType;
    private final boolean ignoreParseErrors;
    private transient AvroMessages<ImageRecord> messages;

    ImageRecordRowDeserializer(List<ImageRecordFields> fields, TypeInformation<RowData> producedType, boolean ignoreParseErrors) {
        this.fields = fields;
        this.producedType = producedType;
        this.ignoreParseErrors = ignoreParseErrors;
    }

    @Override
    public void open(InitializationContext context) {
        messages = new AvroMessages<>(ImageRecord.getClassSchema());
    }

    @Override
    public RowData deserialize(byte[] message) throws IOException {
        ImageRecord image;
        try {
            // The value alone: the format sees no Kafka headers, so the writer schema must be this reader's.
            image = messages.decode(message, null);
        } catch (IOException e) {
            if (ignoreParseErrors) {
                return null;
            }
            throw new IOException("Cannot read an image record (format '" + ImageRecordFormatFactory.IDENTIFIER + "'): "
                    + e.getMessage() + " Set '" + ImageRecordFormatFactory.IDENTIFIER + "."
                    + ImageRecordFormatFactory.IGNORE_PARSE_ERRORS.key() + "' = 'true' to skip such messages.", e);
        }
        GenericRowData row = new GenericRowData(fields.size());
        for (int i = 0; i < fields.size(); i++) {
            row.setField(i, fields.get(i).read(image));
        }
        return row;
    }

    @Override
    public boolean isEndOfStream(RowData nextElement) {
        return false;
    }

    @Override
    public TypeInformation<RowData> getProducedType() {
        return producedType;
    }
}
