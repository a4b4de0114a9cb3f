package io.flinkinference.modelstore.manifest;

import com.fasterxml.jackson.annotation.JsonValue;
import io.flinkinference.modelstore.ModelStoreException.UnknownFormatException;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The kind of artifact a model version holds, which decides the engines that can run it. */
public enum ModelFormat {
    ONNX("onnx"),
    TENSORRT_PLAN("tensorrt-plan");

    private final String id;

    ModelFormat(String id) {
        this.id = id;
    }

    @JsonValue
    public String id() {
        return id;
    }

    /** Parses a manifest's format field; an unknown one is an {@link UnknownFormatException}. */
    public static ModelFormat fromId(String id, String where) {
        for (ModelFormat format : values()) {
            if (format.id.equals(id)) {
                return format;
            }
        }
        throw new UnknownFormatException(
                where + " declares format '" + id + "', which this store does not know; known formats: "
                        + Arrays.stream(values()).map(ModelFormat::id).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return id;
    }
}
