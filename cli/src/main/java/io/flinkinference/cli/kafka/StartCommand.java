package io.flinkinference.cli.kafka;

import io.flinkinference.samples.EmbeddedKafka;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code flink-inference kafka start}: the demo's embedded broker as a standalone local one. */
@Command(
        name = "start",
        description = {"Run a single-node Kafka broker (KRaft, broker and controller in this process) on 127.0.0.1 until "
                + "stopped with Ctrl-C. Its data stays in --data, so topics and records survive a restart. It takes "
                + "messages of up to 16 MB, for full-size photos.",
            "For trying flink-inference out on one machine; not for production (one node, replication factor 1)."},
        mixinStandardHelpOptions = true)
final class StartCommand implements Callable<Integer> {
    @Option(names = "--port", paramLabel = "PORT", defaultValue = "9092",
            description = "Broker port; the controller takes the next one (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data", paramLabel = "DIR", description = "Folder for the broker's data (default ~/.flink-inference/kafka).")
    Path data;

    @Spec
    CommandSpec spec;

    private final CountDownLatch stopped = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        Path folder = data != null ? data : Path.of(System.getProperty("user.home"), ".flink-inference", "kafka");
        PrintWriter out = spec.commandLine().getOut();
        out.println("Starting a Kafka broker on 127.0.0.1:" + port + " (controller " + (port + 1) + "), data in " + folder + " ...");
        out.flush();
        try (EmbeddedKafka broker = EmbeddedKafka.startKeeping(folder, port)) {
            Thread onExit = new Thread(this::stop, "stop-kafka");
            Runtime.getRuntime().addShutdownHook(onExit);
            out.println("Kafka broker at " + broker.bootstrapServers() + "; stop with Ctrl-C.");
            out.println("Create topics: flink-inference kafka topics create images results dead-letters -b "
                    + broker.bootstrapServers());
            out.flush();
            stopped.await();
            try {
                Runtime.getRuntime().removeShutdownHook(onExit);
            } catch (IllegalStateException e) {
                // Already shutting down (Ctrl-C): the hook is what woke us.
            }
            out.println("Stopping the broker; its data stays in " + folder + ".");
            out.flush();
        }
        return 0;
    }

    /** Stops the broker, as Ctrl-C does. */
    void stop() {
        stopped.countDown();
    }
}
