package io.flinkinference.tools.setup;

import io.flinkinference.jobs.cli.StoreOption;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.manifest.Manifest;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;

/** Where a command that brings a new model into the store publishes it: the store, the model's name, its version. */
public final class NewModelOptions {
    @Mixin
    StoreOption store;

    @Option(names = "--name", required = true, description = "Model name in the store.")
    String name;

    @Option(names = "--version", description = "Version number to publish (default: the next free one).")
    Integer version;

    String name() {
        return name;
    }

    /** Publishes {@code manifest} with {@code files} as {@code --version}, or as the next free version. */
    ModelVersion publish(Manifest manifest, Map<String, Path> files) {
        return store.open().publish(manifest, files, version == null ? OptionalInt.empty() : OptionalInt.of(version));
    }
}
