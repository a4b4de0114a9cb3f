package io.flinkinference.jobs.cli;

import io.flinkinference.modelstore.ModelStore;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** The {@code --store} option shared by every command that reads or writes the model store, with the settings of its file system. */
public final class StoreOption {
    @Option(
            names = "--store",
            paramLabel = "URI",
            description = "Model store location: a folder or a Flink file system URI (file://, s3://, ...). "
                    + "Default: $" + ModelStore.STORE_ENV + " if set, else ~/.flink-inference/models.")
    URI store;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Properties file with Flink settings for the store's file system, over $FLINK_CONF_DIR/config.yaml: "
                    + "s3.endpoint, s3.path.style.access, s3.access-key, s3.secret-key, ... for an s3:// store.")
    Path config;

    public URI uri() {
        return store != null ? store : ModelStore.defaultRoot();
    }

    /** Opens the store, first readying the Flink file system it lives on ({@link StoreFileSystems}). */
    public ModelStore open() {
        StoreFileSystems.prepare(uri(), settings());
        return ModelStore.open(uri());
    }

    private Map<String, String> settings() {
        Map<String, String> settings = new LinkedHashMap<>();
        if (config != null) {
            Properties file = new Properties();
            try (Reader reader = Files.newBufferedReader(config)) {
                file.load(reader);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read --config " + config + ": " + e.getMessage(), e);
            }
            file.stringPropertyNames().forEach(key -> settings.put(key, file.getProperty(key)));
        }
        return settings;
    }
}
