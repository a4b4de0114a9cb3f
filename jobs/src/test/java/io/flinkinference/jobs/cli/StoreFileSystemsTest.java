package io.flinkinference.jobs.cli;

import io.flinkinference.modelstore.ModelStoreException;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Readying the file system of a store outside the local disk. This module's tests run without
 * Flink's S3 plugin; the command line's (cli module, S3StoreTest) run with it against an S3 service.
 */
class StoreFileSystemsTest {
    @Test
    void withoutThePluginAnS3StoreIsRefusedNamingWhereThePluginIsLookedFor() {
        assertThatThrownBy(() -> StoreFileSystems.prepare(URI.create("s3://bucket/models"), Map.of()))
                .isInstanceOf(ModelStoreException.class)
                .hasMessageContaining("No file system serves s3://bucket/models")
                .hasMessageContaining("flink-s3-fs-hadoop")
                .hasMessageContaining("looks for plugins in ")
                .hasMessageContaining("$FLINK_PLUGINS_DIR");
    }

    @Test
    void aLocalStoreNeedsNothing() {
        StoreFileSystems.prepare(URI.create("file:///tmp/models"), Map.of("s3.endpoint", "http://127.0.0.1:1"));
        StoreFileSystems.prepare(URI.create("relative/models"), Map.of());
    }

    @Test
    void theCommandsSettingsGoOverFlinksAndRetriesStayShortUnlessSet() {
        Configuration flink = new Configuration();
        flink.setString("s3.endpoint", "http://from-flink:9000");
        flink.setString("s3.path.style.access", "true");

        Configuration merged = StoreFileSystems.configuration(flink, Map.of("s3.endpoint", "http://from-file:9000"));

        assertThat(merged.toMap()).containsEntry("s3.endpoint", "http://from-file:9000")
                .containsEntry("s3.path.style.access", "true")
                .containsEntry("s3.attempts.maximum", "3")
                .containsEntry("s3.retry.limit", "2");
        assertThat(StoreFileSystems.endpoint(merged)).isEqualTo("endpoint http://from-file:9000");

        Configuration patient = StoreFileSystems.configuration(new Configuration(), Map.of("fs.s3a.attempts.maximum", "20"));
        assertThat(patient.toMap()).doesNotContainKey("s3.attempts.maximum").containsEntry("s3.retry.limit", "2");
        assertThat(StoreFileSystems.endpoint(patient)).isEqualTo("the provider's default endpoint (no s3.endpoint set)");
    }
}
