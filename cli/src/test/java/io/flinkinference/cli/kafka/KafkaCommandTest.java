package io.flinkinference.cli.kafka;

import io.flinkinference.cli.FlinkInferenceCli;
import io.flinkinference.testing.CommandRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kafka start} as a user runs it, then topics on it; the data survives a restart. */
class KafkaCommandTest {
    private final CommandRunner cli = CommandRunner.of(FlinkInferenceCli::commandLine);

    @Test
    void aLocalBrokerKeepsItsTopicsAcrossARestart(@TempDir Path data) throws Exception {
        int port = freePortPair();
        String bootstrap = "127.0.0.1:" + port;

        try (RunningBroker broker = RunningBroker.start(data, port)) {
            assertThat(broker.output()).contains("Kafka broker at " + bootstrap);
            assertThat(cli.run("kafka", "topics", "create", "images", "results", "-b", bootstrap, "--partitions", "2")).isZero();
            assertThat(cli.out()).contains("Created images (2 partitions, max.message.bytes 16777216)").contains("Created results");
            assertThat(cli.run("kafka", "topics", "create", "images", "-b", bootstrap)).isZero();
            assertThat(cli.out()).contains("Already there, left as they are: [images]");
        }

        try (RunningBroker again = RunningBroker.start(data, port)) {
            assertThat(cli.run("kafka", "topics", "list", "-b", bootstrap)).isZero();
            assertThat(cli.out().lines()).contains("images", "results");
        }
    }

    /** A port whose successor is free too (the controller's). */
    private static int freePortPair() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket first = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = first.getLocalPort();
                try (ServerSocket second = new ServerSocket(port + 1, 1, InetAddress.getLoopbackAddress())) {
                    return port;
                } catch (IOException taken) {
                    // try another
                }
            }
        }
        throw new IOException("no two free adjacent ports");
    }

    /** {@code kafka start} on a thread of its own, stopped as Ctrl-C would stop it. */
    private static final class RunningBroker implements AutoCloseable {
        private final StartCommand command = new StartCommand();
        private final StringWriter output = new StringWriter();
        private final Thread thread;

        private RunningBroker(Path data, int port) {
            CommandLine line = new CommandLine(command).setOut(new PrintWriter(output, true));
            thread = new Thread(() -> line.execute("--port", Integer.toString(port), "--data", data.toString()), "kafka-start");
        }

        static RunningBroker start(Path data, int port) throws InterruptedException {
            RunningBroker broker = new RunningBroker(data, port);
            broker.thread.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!broker.output().contains("stop with Ctrl-C") && broker.thread.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50); // waiting on another thread's output; no clock to inject
            }
            assertThat(broker.output()).as("the broker started").contains("stop with Ctrl-C");
            return broker;
        }

        String output() {
            return output.toString();
        }

        @Override
        public void close() throws InterruptedException {
            command.stop();
            thread.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(output()).contains("its data stays in");
        }
    }
}
