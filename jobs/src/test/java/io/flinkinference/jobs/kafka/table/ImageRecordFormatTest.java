package io.flinkinference.jobs.kafka.table;

import io.flinkinference.avro.ImageEncoding;
import io.flinkinference.avro.ImageRecord;
import io.flinkinference.jobs.kafka.AvroMessages;
import io.flinkinference.jobs.kafka.ImageProducer;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.RowType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SQL format of image records: the declared columns, by name, from the bytes that produce writes. */
class ImageRecordFormatTest {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};

    private static RowType columns(DataTypes.Field... fields) {
        return (RowType) DataTypes.ROW(fields).getLogicalType();
    }

    private static ImageRecordRowDeserializer deserializer(RowType columns, boolean ignoreParseErrors) {
        ImageRecordRowDeserializer deserializer = new ImageRecordRowDeserializer(ImageRecordFields.forColumns(columns), null,
                ignoreParseErrors);
        deserializer.open(null);
        return deserializer;
    }

    @Test
    void readsTheDeclaredColumnsInTheirOrder() throws IOException {
        byte[] message = new AvroMessages<>(ImageRecord.getClassSchema())
                .encode(ImageProducer.image("line-1", PNG, ImageEncoding.PNG, Map.of("truth", "180")));
        RowData row = deserializer(columns(DataTypes.FIELD("data", DataTypes.BYTES()), DataTypes.FIELD("id", DataTypes.STRING()),
                DataTypes.FIELD("headers", DataTypes.MAP(DataTypes.STRING(), DataTypes.STRING()))), false).deserialize(message);

        assertThat(row.getBinary(0)).isEqualTo(PNG);
        assertThat(row.getString(1).toString()).isEqualTo("line-1");
        assertThat(row.getMap(2).size()).isEqualTo(1);
        assertThat(row.getMap(2).keyArray().getString(0)).isEqualTo(StringData.fromString("truth"));
    }

    @Test
    void refusesAColumnThatIsNoFieldOfTheRecord() {
        assertThatThrownBy(() -> ImageRecordFields.forColumns(columns(DataTypes.FIELD("image", DataTypes.BYTES()))))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("has no column 'image'")
                .hasMessageContaining("data BYTES");
    }

    @Test
    void refusesAFieldOfTheWrongType() {
        assertThatThrownBy(() -> ImageRecordFields.forColumns(columns(DataTypes.FIELD("data", DataTypes.STRING()))))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("Column 'data' is STRING")
                .hasMessageContaining("it is data BYTES");
    }

    @Test
    void failsOnAMessageThatIsNoImageRecordUnlessToldToSkipIt() throws IOException {
        RowType columns = columns(DataTypes.FIELD("id", DataTypes.STRING()));
        byte[] garbage = {1, 2, 3};

        assertThatThrownBy(() -> deserializer(columns, false).deserialize(garbage))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Cannot read an image record")
                .hasMessageContaining("ignore-parse-errors");
        assertThat(deserializer(columns, true).deserialize(garbage)).isNull();
    }
}
