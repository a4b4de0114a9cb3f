package io.flinkinference.jobs;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Local MiniCluster environments for the streaming job (the demo, {@code run} without a
 * cluster, the benchmarks), with checkpoints on the local file system. Flink's default keeps
 * them in the JobManager's memory, 5 MB per state, and the async inference operator checkpoints
 * every record in flight: 384 JPEGs of 22 KB per subtask (max batch 128, two batches in flight)
 * already failed the first checkpoint on the H200 (6.0 MB), which restarted the job and
 * replayed records.
 *
 * <p>The MiniCluster's REST API (which can submit and cancel jobs), blob server and task data
 * port answer anyone who can reach them, without authentication: they listen on loopback only.
 * A user who wants them reachable elsewhere sets {@code rest.bind-address},
 * {@code jobmanager.bind-host} and {@code taskmanager.bind-host} in {@code run --config}, which
 * {@link StreamExecutionEnvironment#configure} lays over these before the cluster starts.
 */
public final class LocalEnvironments {
    private static final String LOOPBACK = "127.0.0.1";

    private LocalEnvironments() {}

    public static StreamExecutionEnvironment create(int parallelism) {
        return StreamExecutionEnvironment.createLocalEnvironment(parallelism, configuration(checkpointDirectory()));
    }

    /**
     * The same, with Flink's web UI and REST API on {@code 127.0.0.1:webPort} (served where
     * flink-runtime-web is on the class path, as it is on the command line's).
     */
    public static StreamExecutionEnvironment createWithWebUi(int parallelism, int webPort) {
        return createWithWebUi(parallelism, webPort, 0);
    }

    /**
     * @param metricsPort where Flink's Prometheus reporter serves the job's metrics ({@code /metrics};
     *     flink-metrics-prometheus on the class path, as on the command line's), 0 for none
     */
    public static StreamExecutionEnvironment createWithWebUi(int parallelism, int webPort, int metricsPort) {
        return create(parallelism, webPort, metricsPort, configuration(checkpointDirectory()));
    }

    /**
     * A local environment on {@code configuration} (which says where checkpoints go, e.g. a
     * {@link LocalJobState}'s folder), with the web UI on {@code webPort} and the Prometheus
     * reporter on {@code metricsPort} where either is above 0.
     */
    public static StreamExecutionEnvironment create(int parallelism, int webPort, int metricsPort, Configuration configuration) {
        onLoopback(configuration);
        if (webPort <= 0 && metricsPort <= 0) {
            return StreamExecutionEnvironment.createLocalEnvironment(parallelism, configuration);
        }
        if (metricsPort > 0) {
            // Spelled out: the reporter is a run-time dependency of the command line only.
            configuration.setString("metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
            configuration.setString("metrics.reporter.prom.port", Integer.toString(metricsPort));
        }
        configuration.set(RestOptions.PORT, Math.max(webPort, 0));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(configuration);
        env.setParallelism(parallelism);
        return env;
    }

    /** {@code port} if nothing listens on it on loopback, otherwise a free one. */
    public static int portOrFree(int port) {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException taken) {
            try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException("No free port on 127.0.0.1 for the web UI: " + e.getMessage(), e);
            }
        }
    }

    /**
     * What the environment is created with: file-system checkpoint storage under {@code checkpoints}
     * and every server socket on loopback.
     */
    static Configuration configuration(Path checkpoints) {
        Configuration configuration = new Configuration();
        configuration.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        configuration.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        return onLoopback(configuration);
    }

    /** Every server socket of the local cluster on loopback. */
    private static Configuration onLoopback(Configuration configuration) {
        configuration.set(RestOptions.BIND_ADDRESS, LOOPBACK);
        configuration.set(RestOptions.ADDRESS, LOOPBACK);
        // The blob server binds to the JobManager's bind host, and to every interface without one.
        configuration.set(JobManagerOptions.BIND_HOST, LOOPBACK);
        configuration.set(JobManagerOptions.ADDRESS, LOOPBACK);
        configuration.set(TaskManagerOptions.BIND_HOST, LOOPBACK);
        configuration.set(TaskManagerOptions.HOST, LOOPBACK);
        return configuration;
    }

    private static Path checkpointDirectory() {
        try {
            Path directory = Files.createTempDirectory("flink-inference-checkpoints-");
            directory.toFile().deleteOnExit();
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a directory for the local job's checkpoints: " + e.getMessage(), e);
        }
    }
}
