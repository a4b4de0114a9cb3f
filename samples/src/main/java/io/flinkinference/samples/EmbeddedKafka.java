package io.flinkinference.samples;

import kafka.server.KafkaConfig;
import org.apache.commons.io.file.PathUtils;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one process) in this JVM, on
 * two free loopback ports, with its data in a temporary folder: the demo's and the tests' Kafka.
 * Replication factors are 1; nothing listens beyond 127.0.0.1.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private final Path dataDir;
    private final KafkaRaftServer server;
    private final String bootstrapServers;
    /** Whether the data outlives the broker (a local broker of the command line) or goes with it (demo, tests). */
    private final boolean keepData;

    private EmbeddedKafka(Path dataDir, KafkaRaftServer server, String bootstrapServers, boolean keepData) {
        this.dataDir = dataDir;
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.keepData = keepData;
    }

    /** The largest message this broker takes (message.max.bytes): 16 MB, for full-size photos. */
    public static final int MAX_MESSAGE_BYTES = 16 << 20;

    /** Formats a fresh log directory and starts the broker; returns once it accepts clients. */
    public static EmbeddedKafka start() throws IOException {
        return start(java.util.Map.of());
    }

    /**
     * @param overrides broker settings over the ones below, e.g. Kafka's own default
     *     {@code group.initial.rebalance.delay.ms} of 3 s, which this broker sets to 0
     */
    public static EmbeddedKafka start(java.util.Map<String, String> overrides) throws IOException {
        return start(Files.createTempDirectory("flink-inference-kafka"), freePort(), freePort(), overrides, false);
    }

    /**
     * A broker whose data stays in {@code dataDir} across restarts (formatted on first use), on
     * {@code port} and {@code port + 1} (its controller): {@code flink-inference kafka start}.
     */
    public static EmbeddedKafka startKeeping(Path dataDir, int port) throws IOException {
        Files.createDirectories(dataDir);
        return start(dataDir, port, port + 1, java.util.Map.of(), true);
    }

    private static EmbeddedKafka start(Path dataDir, int brokerPort, int controllerPort, java.util.Map<String, String> overrides,
            boolean keepData) throws IOException {
        // Broker settings, spelled out: their constants live in Kafka's internal server modules
        // (KRaftConfigs, ServerLogConfigs, ...), which kafka_2.13 brings at runtime scope only.
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", dataDir.resolve("logs").toString());
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "4");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "4");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "false");
        props.put("num.partitions", "1");
        // Phone photos are several MB; Kafka's default limit (1 MB) would refuse them.
        props.put("message.max.bytes", Integer.toString(MAX_MESSAGE_BYTES));
        props.putAll(overrides);
        Path config = dataDir.resolve("server.properties");
        try (var out = Files.newBufferedWriter(config)) {
            props.store(out, "flink-inference embedded broker");
        }

        if (!Files.exists(dataDir.resolve("logs").resolve("meta.properties"))) {
            format(config);
        }
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props), Time.SYSTEM);
        server.startup();
        EmbeddedKafka kafka = new EmbeddedKafka(dataDir, server, "127.0.0.1:" + brokerPort, keepData);
        kafka.awaitReady();
        return kafka;
    }

    private static void format(Path config) throws IOException {
        ByteArrayOutputStream formatOutput = new ByteArrayOutputStream();
        int status = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()},
                new PrintStream(formatOutput, true, StandardCharsets.UTF_8));
        if (status != 0) {
            throw new IOException("Formatting the embedded Kafka log directory failed: " + formatOutput.toString(StandardCharsets.UTF_8));
        }
    }

    public Path dataDir() {
        return dataDir;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Creates topics with {@code partitions} partitions each (replication factor 1). */
    public void createTopics(int partitions, String... topics) {
        try (Admin admin = admin()) {
            admin.createTopics(Stream.of(topics).map(t -> new NewTopic(t, partitions, (short) 1)).toList())
                    .all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot create topics " + List.of(topics) + " on the embedded broker", e);
        }
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    private void awaitReady() {
        try (Admin admin = admin()) {
            admin.describeCluster().nodes().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            close();
            throw new IllegalStateException("The embedded Kafka broker did not come up within 60 s", e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        if (keepData) {
            return;
        }
        try {
            PathUtils.deleteDirectory(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete the embedded broker's data in " + dataDir, e);
        }
    }
}
