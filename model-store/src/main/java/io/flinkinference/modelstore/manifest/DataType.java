package io.flinkinference.modelstore.manifest;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Element types of tensors, named as in the manifest. */
public enum DataType {
    FLOAT32("float32", 4),
    FLOAT16("float16", 2),
    BFLOAT16("bfloat16", 2),
    FLOAT64("float64", 8),
    INT8("int8", 1),
    UINT8("uint8", 1),
    INT32("int32", 4),
    INT64("int64", 8),
    BOOL("bool", 1);

    private final String id;
    private final int byteSize;

    DataType(String id, int byteSize) {
        this.id = id;
        this.byteSize = byteSize;
    }

    @JsonValue
    public String id() {
        return id;
    }

    public int byteSize() {
        return byteSize;
    }

    @JsonCreator
    public static DataType fromId(String id) {
        for (DataType type : values()) {
            if (type.id.equals(id)) {
                return type;
            }
        }
        throw new IllegalArgumentException(
                "Unknown tensor data type '" + id + "'; known: "
                        + Arrays.stream(values()).map(DataType::id).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return id;
    }
}
