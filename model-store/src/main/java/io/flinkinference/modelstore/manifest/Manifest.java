package io.flinkinference.modelstore.manifest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The contract between the setup job (which writes it) and the operator (which reads it): what the
 * model takes and gives, how to pre- and post-process, where it came from, and the checksum of
 * every file. Serialized as {@code manifest.json} by {@link ManifestCodec}.
 *
 * <p>{@code schemaVersion} versions this document itself; readers accept every schema up to
 * {@link #SCHEMA_VERSION} and ignore fields they do not know, so adding an optional field does not
 * need a new schema version.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
    "schemaVersion", "name", "version", "format", "artifact", "precision", "createdAt",
    "inputs", "outputs", "preprocessing", "postprocessing", "lineage", "files"
})
public record Manifest(
        int schemaVersion,
        String name,
        int version,
        ModelFormat format,
        String artifact,
        String precision,
        String createdAt,
        List<TensorSpec> inputs,
        List<TensorSpec> outputs,
        Preprocessing preprocessing,
        Postprocessing postprocessing,
        Lineage lineage,
        List<FileEntry> files) {

    public static final int SCHEMA_VERSION = 1;
    public static final String FILE_NAME = "manifest.json";

    public Manifest {
        inputs = inputs == null ? List.of() : List.copyOf(inputs);
        outputs = outputs == null ? List.of() : List.copyOf(outputs);
        files = files == null ? List.of() : List.copyOf(files);
        lineage = lineage == null ? new Lineage(null, null, null, null, null) : lineage;
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public Optional<FileEntry> file(String fileName) {
        return files.stream().filter(f -> f.name().equals(fileName)).findFirst();
    }

    public Optional<TensorSpec> output(String outputName) {
        return outputs.stream().filter(t -> t.name().equals(outputName)).findFirst();
    }

    /** The same manifest as published: numbered, dated and with its files' checksums. */
    public Manifest published(int newVersion, String newCreatedAt, List<FileEntry> newFiles) {
        return new Manifest(
                SCHEMA_VERSION, name, newVersion, format, artifact, precision, newCreatedAt,
                inputs, outputs, preprocessing, postprocessing, lineage, newFiles);
    }

    /**
     * Collects what a publisher knows before publishing; the store adds the version number, the
     * creation time and the checksums.
     */
    public static final class Builder {
        private final String name;
        private ModelFormat format = ModelFormat.ONNX;
        private String artifact;
        private String precision = "fp32";
        private List<TensorSpec> inputs = List.of();
        private List<TensorSpec> outputs = List.of();
        private Preprocessing preprocessing;
        private Postprocessing postprocessing = Postprocessing.raw();
        private Lineage lineage;

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        public Builder format(ModelFormat value) {
            this.format = value;
            return this;
        }

        public Builder artifact(String value) {
            this.artifact = value;
            return this;
        }

        public Builder precision(String value) {
            this.precision = value;
            return this;
        }

        public Builder inputs(List<TensorSpec> value) {
            this.inputs = value;
            return this;
        }

        public Builder outputs(List<TensorSpec> value) {
            this.outputs = value;
            return this;
        }

        public Builder preprocessing(Preprocessing value) {
            this.preprocessing = value;
            return this;
        }

        public Builder postprocessing(Postprocessing value) {
            this.postprocessing = value;
            return this;
        }

        public Builder lineage(Lineage value) {
            this.lineage = value;
            return this;
        }

        /** A draft: version 0, no creation time and no files until the store publishes it. */
        public Manifest build() {
            return new Manifest(
                    SCHEMA_VERSION, name, 0, format, artifact, precision, null, inputs, outputs,
                    preprocessing, postprocessing, lineage, List.of());
        }
    }
}
