package io.flinkinference.cli;

import io.flinkinference.avro.DeadLetter;
import io.flinkinference.avro.InferenceResult;
import io.flinkinference.jobs.cli.DurationConverter;
import io.flinkinference.jobs.cli.KafkaOptions;
import io.flinkinference.jobs.kafka.OutputReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code flink-inference consume}: print results and dead letters as they arrive. */
@Command(
        name = "consume",
        description = "Print the job's results and dead letters from the beginning of their topics (committed "
                + "records only), one line each; stops after --idle without new records unless --follow.",
        mixinStandardHelpOptions = true,
        footer = {"", "Examples:", "  flink-inference consume -b localhost:9092",
            "  flink-inference consume -b localhost:9092 --dead-letters-only --follow"})
final class ConsumeCommand implements Callable<Integer> {
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
            description = "Without --follow, stop after this long without new records (default ${DEFAULT-VALUE}).")
    Duration idle;

    @Option(names = "--max", paramLabel = "N", description = "Stop after this many records.")
    Long max;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        long printed = 0;
        long lastRecord = System.nanoTime();
        try (OutputReader reader = new OutputReader(kafka.bootstrapServers, outputTopic, deadLetterTopic, kafka.clientProperties())) {
            while (follow || System.nanoTime() - lastRecord < idle.toNanos()) {
                OutputReader.Batch batch = reader.poll(Duration.ofMillis(500));
                if (!deadLettersOnly) {
                    for (InferenceResult result : batch.results()) {
                        out.println(describe(result));
                        printed++;
                    }
                }
                for (DeadLetter letter : batch.deadLetters()) {
                    out.println(describe(letter));
                    printed++;
                }
                if (!batch.results().isEmpty() || !batch.deadLetters().isEmpty()) {
                    lastRecord = System.nanoTime();
                    out.flush();
                }
                if (max != null && printed >= max) {
                    break;
                }
            }
        }
        return 0;
    }

    static String describe(InferenceResult result) {
        String answer = result.getText() != null ? "text '" + result.getText() + "'"
                : !result.getLabels().isEmpty() ? result.getLabels().get(0).getLabel()
                        + String.format(" (%.3f)", result.getLabels().get(0).getScore())
                : result.getTensors().size() + " raw tensors";
        return String.format("result  %-24s %s:%d  %s  batch %d  queued %.1f ms  inference %.1f ms", result.getId(),
                result.getModel(), result.getModelVersion(), answer, result.getTimings().getBatchSize(),
                result.getTimings().getQueuedMicros() / 1e3, result.getTimings().getInferredMicros() / 1e3);
    }

    static String describe(DeadLetter letter) {
        return String.format("DEAD    %-24s %s-%d@%d  %s  %s: %s", letter.getKey(), letter.getTopic(), letter.getPartition(),
                letter.getOffset(), letter.getStage(), letter.getErrorClass(), letter.getErrorMessage());
    }
}
