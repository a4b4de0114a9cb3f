package io.flinkinference.cli;

import io.flinkinference.jobs.cli.DurationConverter;
import io.flinkinference.jobs.cli.KafkaOptions;
import io.flinkinference.jobs.kafka.KafkaAdmins;
import io.flinkinference.jobs.kafka.OutputReader;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code flink-inference consume}: print results and dead letters as they arrive. */
@Command(
        name = "consume",
        description = "Print the job's results and dead letters from the beginning of their topics (committed "
                + "records only), one line each, or one JSON object per line with --json; stops after --idle without new "
                + "records (counted from when the consumer has its partitions) unless --follow, or after --max-messages. "
                + "Records that are not results or dead letters (another producer's bytes) are skipped, named on stderr "
                + "and counted at the end; missing topics are an error.",
        mixinStandardHelpOptions = true,
        footer = {"", "Examples:", "  flink-inference consume -b localhost:9092",
            "  flink-inference consume -b localhost:9092 --dead-letters-only --follow",
            "  flink-inference consume -b localhost:9092 --json --max-messages 100 \\",
            "      | jq .labels[0].label"})
final class ConsumeCommand implements Callable<Integer> {
    /** How many skipped records are named one by one on stderr; the rest are only counted. */
    static final int UNREADABLE_NAMED = 10;

    /** How long to wait for the consumer group to hand out partitions before saying so. */
    static final Duration ASSIGNMENT_TIMEOUT = Duration.ofSeconds(60);

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--output-topic", paramLabel = "TOPIC", defaultValue = "results", description = "Results topic (default ${DEFAULT-VALUE}).")
    String outputTopic;

    @Option(names = "--dead-letter-topic", paramLabel = "TOPIC", defaultValue = "dead-letters", description = "Dead-letter topic (default ${DEFAULT-VALUE}).")
    String deadLetterTopic;

    @Option(names = "--dead-letters-only", description = "Print only the dead letters.")
    boolean deadLettersOnly;

    @Option(names = "--follow", description = "Keep waiting for new records until stopped (Ctrl-C).")
    boolean follow;

    @Option(names = "--idle", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
            description = "Without --follow, stop after this long without new records, counted from when the consumer has "
                    + "its partitions (default ${DEFAULT-VALUE}).")
    Duration idle;

    @Option(names = {"--max-messages", "--max"}, paramLabel = "N", description = "Stop after printing this many records.")
    Long maxMessages;

    @Option(names = "--json", description = "One JSON object per line (type result or dead_letter), for scripts.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (Admin admin = KafkaAdmins.open(kafka.bootstrapServers, kafka.clientProperties())) {
            KafkaAdmins.requireBrokers(admin, kafka.bootstrapServers, "nothing was read");
            KafkaAdmins.requireTopics(admin, kafka.bootstrapServers, List.of(outputTopic, deadLetterTopic));
        }
        OutputLines lines = json ? OutputLines.JSON : OutputLines.TEXT;
        long printed = 0;
        long unreadable = 0;
        long started = System.nanoTime();
        long lastRecord = 0; // 0 until the consumer has its partitions and has fetched once: the idle time counts from then
        boolean assigned = false;
        try (OutputReader reader = new OutputReader(kafka.bootstrapServers, outputTopic, deadLetterTopic, kafka.clientProperties())) {
            while (follow || lastRecord == 0 || System.nanoTime() - lastRecord < idle.toNanos()) {
                OutputReader.Batch batch = reader.poll(Duration.ofMillis(500));
                if (lastRecord == 0 && assigned) {
                    lastRecord = System.nanoTime(); // the poll after the assignment, which fetched from the partitions' start
                }
                assigned = assigned || reader.assigned();
                if (lastRecord == 0 && System.nanoTime() - started > ASSIGNMENT_TIMEOUT.toNanos()) {
                    throw new IllegalStateException("No partitions of " + outputTopic + " or " + deadLetterTopic + " were assigned "
                            + "within " + ASSIGNMENT_TIMEOUT.toSeconds() + " s at " + kafka.bootstrapServers
                            + ": do the topics exist, and is the broker reachable?");
                }
                List<String> arrived = new ArrayList<>();
                if (!deadLettersOnly) {
                    batch.results().forEach(result -> arrived.add(lines.of(result)));
                }
                batch.deadLetters().forEach(letter -> arrived.add(lines.of(letter)));
                for (OutputReader.Unreadable record : batch.unreadable()) {
                    if (++unreadable <= UNREADABLE_NAMED) {
                        err.println("skipped unreadable record " + record);
                    }
                }
                for (String line : arrived) {
                    if (maxMessages != null && printed >= maxMessages) {
                        break;
                    }
                    out.println(line);
                    printed++;
                }
                if (!batch.results().isEmpty() || !batch.deadLetters().isEmpty() || !batch.unreadable().isEmpty()) {
                    lastRecord = System.nanoTime();
                    out.flush();
                }
                if (maxMessages != null && printed >= maxMessages) {
                    break;
                }
            }
        }
        out.flush();
        if (unreadable > 0) {
            err.println("Skipped " + unreadable + " unreadable record(s)" + (unreadable > UNREADABLE_NAMED
                    ? " (the first " + UNREADABLE_NAMED + " named above)" : "") + ": not results or dead letters of "
                    + "this job's schema.");
        }
        return 0;
    }
}
