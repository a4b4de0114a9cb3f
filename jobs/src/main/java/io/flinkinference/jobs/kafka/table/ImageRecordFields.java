package io.flinkinference.jobs.kafka.table;

import io.flinkinference.avro.ImageRecord;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericMapData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeFamily;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.MapType;
import org.apache.flink.table.types.logical.RowType;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The columns a table of {@code ImageRecord}s may declare, by name, and how each is read from a
 * record. A table declares the ones it needs, in any order; a column of another name or type is
 * refused when the table is planned, naming the columns there are.
 */
enum ImageRecordFields {
    ID("id STRING", type -> type.is(LogicalTypeFamily.CHARACTER_STRING), image -> StringData.fromString(image.getId())),
    EVENT_TIME("event_time TIMESTAMP_LTZ(3)", type -> type.is(LogicalTypeRoot.TIMESTAMP_WITH_LOCAL_TIME_ZONE),
            image -> TimestampData.fromInstant(image.getEventTimeMillis())),
    ENCODING("encoding STRING", type -> type.is(LogicalTypeFamily.CHARACTER_STRING),
            image -> StringData.fromString(image.getEncoding().name())),
    DATA("data BYTES", type -> type.is(LogicalTypeFamily.BINARY_STRING), image -> bytes(image.getData())),
    SHAPE("shape ARRAY<BIGINT>", type -> type instanceof ArrayType array && array.getElementType().is(LogicalTypeRoot.BIGINT),
            image -> image.getShape() == null ? null : new GenericArrayData(image.getShape().toArray())),
    HEADERS("headers MAP<STRING, STRING>", type -> type instanceof MapType map
            && map.getKeyType().is(LogicalTypeFamily.CHARACTER_STRING) && map.getValueType().is(LogicalTypeFamily.CHARACTER_STRING),
            image -> headers(image.getHeaders()));

    private final String declaration;
    private final Function<LogicalType, Boolean> accepts;
    private final Function<ImageRecord, Object> read;

    ImageRecordFields(String declaration, Function<LogicalType, Boolean> accepts, Function<ImageRecord, Object> read) {
        this.declaration = declaration;
        this.accepts = accepts;
        this.read = read;
    }

    Object read(ImageRecord image) {
        return read.apply(image);
    }

    /** The fields for a table's physical columns, in their order; refuses columns that are not fields. */
    static List<ImageRecordFields> forColumns(RowType columns) {
        return columns.getFields().stream().map(column -> {
            for (ImageRecordFields field : values()) {
                if (field.declaration.startsWith(column.getName() + " ")) {
                    if (!field.accepts.apply(column.getType())) {
                        throw new ValidationException("Column '" + column.getName() + "' is " + column.getType().asSummaryString()
                                + "; in format '" + ImageRecordFormatFactory.IDENTIFIER + "' it is " + field.declaration + ".");
                    }
                    return field;
                }
            }
            throw new ValidationException("Format '" + ImageRecordFormatFactory.IDENTIFIER + "' has no column '"
                    + column.getName() + "'; an image record has " + declarations() + ".");
        }).toList();
    }

    private static String declarations() {
        StringBuilder all = new StringBuilder();
        for (ImageRecordFields field : values()) {
            all.append(all.length() == 0 ? "" : ", ").append(field.declaration);
        }
        return all.toString();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer view = buffer.duplicate();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return bytes;
    }

    private static GenericMapData headers(Map<String, String> headers) {
        Map<StringData, StringData> map = new HashMap<>();
        headers.forEach((key, value) -> map.put(StringData.fromString(key), value == null ? null : StringData.fromString(value)));
        return new GenericMapData(map);
    }
}
