package io.flinkinference.jobs.cli;

import io.flinkinference.modelstore.ModelStoreException;
import org.apache.flink.configuration.ConfigConstants;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.fs.UnsupportedFileSystemSchemeException;
import org.apache.flink.core.plugin.PluginUtils;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Makes a model store on a Flink file system other than the local one ({@code s3://},
 * {@code gs://}, ...) usable from the command line, the way a Flink process does it: Flink's file
 * systems are initialised with the plugins in {@code $FLINK_PLUGINS_DIR} (where
 * {@code bin/flink-inference} puts Flink's S3 plugin) and with Flink's configuration
 * ({@code $FLINK_CONF_DIR/config.yaml}), over which the command's own settings go, so that
 * {@code s3.endpoint}, {@code s3.path.style.access}, {@code s3.access-key} and the like reach
 * the plugin. Then the store's root is looked up once, so that a store that cannot be reached
 * fails before any work, with the store and the endpoint named.
 */
public final class StoreFileSystems {
    /** The prefixes under which Flink's S3 file systems take Hadoop's fs.s3a.* settings. */
    private static final List<String> S3_PREFIXES = List.of("s3.", "s3a.", "fs.s3a.");
    /**
     * Hadoop's S3 client tries a refused connection 20 times and S3A retries that 7 times: minutes
     * before a wrong endpoint shows. A command line answers a person, so it gives up after a few
     * seconds unless Flink's configuration or the command's settings say otherwise.
     */
    private static final Map<String, String> INTERACTIVE_RETRIES = Map.of("attempts.maximum", "3", "retry.limit", "2");

    private StoreFileSystems() {}

    /**
     * Prepares this process for the store at {@code store}: nothing for a local folder; otherwise
     * Flink's file systems as described above, with {@code settings} over Flink's configuration.
     *
     * @throws ModelStoreException when no plugin serves the store's scheme, or the store cannot be reached
     */
    public static void prepare(URI store, Map<String, String> settings) {
        if (store.getScheme() == null || store.getScheme().equals("file")) {
            return; // Flink serves local files itself, with no plugin and no settings.
        }
        Configuration configuration = configuration(GlobalConfiguration.loadConfiguration(), settings);
        FileSystem.initialize(configuration, PluginUtils.createPluginManagerFromRootFolder(configuration));
        try {
            FileSystem.get(store).exists(new Path(store));
        } catch (UnsupportedFileSystemSchemeException e) {
            throw new ModelStoreException("No file system serves " + store + ": " + e.getMessage() + " This process "
                    + "looks for plugins in " + pluginsFolder() + " ($" + ConfigConstants.ENV_FLINK_PLUGINS_DIR
                    + "); bin/flink-inference points it at cli/target/plugins, where the build puts Flink's S3 plugin.", e);
        } catch (IOException | RuntimeException e) {
            // Hadoop's message repeats its cause's; the cause says what went wrong in the fewest words.
            Throwable reason = e.getCause() != null ? e.getCause() : e;
            throw new ModelStoreException("Cannot reach the model store " + store + " through " + endpoint(configuration)
                    + ": " + reason.getMessage(), e);
        }
    }

    /** {@code settings} over {@code flink}, with the command line's retries where neither sets them. */
    static Configuration configuration(Configuration flink, Map<String, String> settings) {
        Configuration configuration = new Configuration(flink);
        settings.forEach(configuration::setString);
        INTERACTIVE_RETRIES.forEach((key, value) -> {
            if (s3Setting(configuration, key) == null) {
                configuration.setString("s3." + key, value);
            }
        });
        return configuration;
    }

    /** The endpoint the store's file system talks to, in words, for messages. */
    static String endpoint(Configuration configuration) {
        String endpoint = s3Setting(configuration, "endpoint");
        return endpoint != null ? "endpoint " + endpoint : "the provider's default endpoint (no s3.endpoint set)";
    }

    /** An S3 setting under any of the prefixes Flink takes it with, or null. */
    private static String s3Setting(Configuration configuration, String key) {
        Map<String, String> values = configuration.toMap();
        return S3_PREFIXES.stream().map(prefix -> values.get(prefix + key)).filter(v -> v != null).findFirst().orElse(null);
    }

    private static String pluginsFolder() {
        return new File(System.getenv().getOrDefault(ConfigConstants.ENV_FLINK_PLUGINS_DIR,
                ConfigConstants.DEFAULT_FLINK_PLUGINS_DIRS)).getAbsolutePath();
    }
}
