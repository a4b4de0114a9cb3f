package io.flinkinference.jobs.kafka;

import io.flinkinference.avro.DeadLetter;
import io.flinkinference.avro.InferenceResult;

import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * Reads the streaming job's two outputs, results ({@code InferenceResult}) and dead letters, from
 * the beginning, with {@code read_committed}: {@link OutputTopicsReader} for that result type.
 */
public final class OutputReader implements AutoCloseable {
    private final OutputTopicsReader<InferenceResult> reader;

    /** What one poll brought. */
    public record Batch(List<InferenceResult> results, List<DeadLetter> deadLetters, List<Unreadable> unreadable) {}

    /** A record on one of the topics that is not a message of that topic's type, and why. */
    public record Unreadable(String topic, int partition, long offset, String reason) {
        @Override
        public String toString() {
            return topic + "-" + partition + " offset " + offset + ": " + reason;
        }
    }

    public OutputReader(String bootstrapServers, String resultTopic, String deadLetterTopic, Properties extra) {
        this.reader = new OutputTopicsReader<>(bootstrapServers, resultTopic, deadLetterTopic, InferenceResult.getClassSchema(), extra);
    }

    /** Polls once; see {@link OutputTopicsReader#poll}. */
    public Batch poll(Duration timeout) {
        OutputTopicsReader.Batch<InferenceResult> batch = reader.poll(timeout);
        return new Batch(batch.results(), batch.deadLetters(), batch.unreadable());
    }

    /** See {@link OutputTopicsReader#assigned}. */
    public boolean assigned() {
        return reader.assigned();
    }

    /** See {@link OutputTopicsReader#caughtUp}. */
    public boolean caughtUp() {
        return reader.caughtUp();
    }

    @Override
    public void close() {
        reader.close();
    }
}
