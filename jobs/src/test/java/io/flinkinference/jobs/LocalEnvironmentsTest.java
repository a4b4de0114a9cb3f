package io.flinkinference.jobs;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.util.Collections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Local jobs checkpoint to files (the JobManager's memory storage refuses states over 5 MB), and
 * their unauthenticated servers listen on loopback only.
 */
class LocalEnvironmentsTest {

    @Test
    void checkpointsGoToTheFileSystemNotTheJobManagersMemory(@TempDir Path dir) {
        Configuration configuration = LocalEnvironments.configuration(dir);
        assertThat(configuration.get(CheckpointingOptions.CHECKPOINT_STORAGE)).isEqualTo("filesystem");
        assertThat(configuration.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isEqualTo(dir.toUri().toString());
    }

    @Test
    void everyServerSocketIsBoundToLoopback(@TempDir Path dir) {
        Configuration configuration = LocalEnvironments.configuration(dir);
        assertThat(configuration.get(RestOptions.BIND_ADDRESS)).isEqualTo("127.0.0.1");
        assertThat(configuration.get(JobManagerOptions.BIND_HOST)).isEqualTo("127.0.0.1");
        assertThat(configuration.get(TaskManagerOptions.BIND_HOST)).isEqualTo("127.0.0.1");
        assertThat(LocalEnvironments.create(1).getConfiguration().get(RestOptions.BIND_ADDRESS)).isEqualTo("127.0.0.1");
    }

    @Test
    void theRestApiAndBlobServerCannotBeReachedFromAnotherAddressOfThisMachine(@TempDir Path dir) throws Exception {
        InetAddress external = nonLoopbackAddress();
        assumeThat(external).as("a non-loopback address on this machine").isNotNull();
        Configuration configuration = LocalEnvironments.configuration(dir);
        configuration.set(RestOptions.PORT, 0);
        try (MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(configuration)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(1).build())) {
            cluster.start();
            URI rest = cluster.getRestAddress().get();
            int blobPort = cluster.getClusterInformation().getBlobServerPort();

            assertThat(reachable(InetAddress.getLoopbackAddress(), rest.getPort())).as("REST on loopback").isTrue();
            assertThat(reachable(external, rest.getPort())).as("REST on " + external).isFalse();
            assertThat(reachable(InetAddress.getLoopbackAddress(), blobPort)).as("blob server on loopback").isTrue();
            assertThat(reachable(external, blobPort)).as("blob server on " + external).isFalse();
        }
    }

    private static boolean reachable(InetAddress address, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 2_000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static InetAddress nonLoopbackAddress() throws Exception {
        for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress address : Collections.list(network.getInetAddresses())) {
                if (network.isUp() && address instanceof Inet4Address && !address.isLoopbackAddress()) {
                    return address;
                }
            }
        }
        return null;
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
