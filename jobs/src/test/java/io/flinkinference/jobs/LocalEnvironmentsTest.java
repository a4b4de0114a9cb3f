package io.flinkinference.jobs;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Local jobs checkpoint to files: the JobManager's memory storage refuses states over 5 MB. */
class LocalEnvironmentsTest {

    @Test
    void checkpointsGoToTheFileSystemNotTheJobManagersMemory(@TempDir Path dir) {
        Configuration configuration = LocalEnvironments.configuration(dir);
        assertThat(configuration.get(CheckpointingOptions.CHECKPOINT_STORAGE)).isEqualTo("filesystem");
        assertThat(configuration.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isEqualTo(dir.toUri().toString());
    }

    @Test
    void aTakenPortGivesWayToAFreeOne() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            int port = LocalEnvironments.portOrFree(taken.getLocalPort());
            assertThat(port).isPositive().isNotEqualTo(taken.getLocalPort());
        }
    }

    @Test
    void theEnvironmentCarriesThatStorage() {
        var env = LocalEnvironments.create(1);
        assertThat(env.getConfiguration().get(CheckpointingOptions.CHECKPOINT_STORAGE)).isEqualTo("filesystem");
        assertThat(env.getConfiguration().get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).startsWith("file:");
    }
}
