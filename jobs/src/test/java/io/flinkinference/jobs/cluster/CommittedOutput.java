package io.flinkinference.jobs.cluster;

import io.flinkinference.avro.DeadLetter;
import io.flinkinference.avro.InferenceResult;
import io.flinkinference.jobs.kafka.OutputReader;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Everything a job has committed to its result and dead-letter topics, read as it arrives by a
 * {@code read_committed} consumer: what a downstream application of an exactly-once job sees.
 */
public final class CommittedOutput implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(300);

    private final OutputReader reader;
    private final List<InferenceResult> results = new ArrayList<>();
    private final List<DeadLetter> deadLetters = new ArrayList<>();

    public CommittedOutput(String bootstrapServers, String resultTopic, String deadLetterTopic) {
        this.reader = new OutputReader(bootstrapServers, resultTopic, deadLetterTopic, new Properties());
    }

    /** Waits until results for at least {@code count} distinct ids have been read. */
    public void awaitDistinctIds(int count, Duration timeout) throws Exception {
        pollUntil(count + " distinct result ids", timeout, () -> distinctIds() >= count);
    }

    /** Waits until a result for every id in {@code ids} has been read. */
    public void awaitIds(Collection<String> ids, Duration timeout) throws Exception {
        pollUntil("results for all " + ids.size() + " ids", timeout, () -> perId().keySet().containsAll(ids));
    }

    /** Waits until everything committed so far has been read (the reader's position is at the last stable offset). */
    public void awaitCaughtUp(Duration timeout) throws Exception {
        pollUntil("the reader to reach the last committed offsets", timeout, reader::caughtUp);
    }

    public int distinctIds() {
        return perId().size();
    }

    /** How many results came back for each id: 1 for every id when delivery is exactly once. */
    public Map<String, Long> perId() {
        return results.stream().collect(Collectors.groupingBy(InferenceResult::getId, Collectors.counting()));
    }

    public Map<String, InferenceResult> byId() {
        return results.stream().collect(Collectors.toMap(InferenceResult::getId, Function.identity(), (first, again) -> first));
    }

    public List<DeadLetter> deadLetters() {
        return List.copyOf(deadLetters);
    }

    /** Polls (a Kafka poll blocks up to 300 ms, so this loop does not spin) until {@code done} holds. */
    private void pollUntil(String what, Duration timeout, Await.Condition done) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Gave up after " + timeout.toSeconds() + " s waiting for " + what + "; read "
                        + distinctIds() + " distinct ids in " + results.size() + " results and " + deadLetters.size()
                        + " dead letters");
            }
            OutputReader.Batch batch = reader.poll(POLL);
            results.addAll(batch.results());
            deadLetters.addAll(batch.deadLetters());
        }
    }

    @Override
    public void close() {
        reader.close();
    }
}
