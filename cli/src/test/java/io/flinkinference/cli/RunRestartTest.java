package io.flinkinference.cli;

import io.flinkinference.avro.ImageEncoding;
import io.flinkinference.avro.InferenceResult;
import io.flinkinference.jobs.kafka.ImageProducer;
import io.flinkinference.jobs.kafka.OutputReader;
import io.flinkinference.samples.EmbeddedKafka;
import io.flinkinference.samples.TextLineImages;
import io.flinkinference.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exactly-once across restarts of a local {@code run}, each run its own JVM as a user starts it:
 * a backlog of 6,000 images; the first two runs are killed with SIGKILL at seeded points while
 * they write, the third is stopped with SIGTERM (Ctrl-C's shutdown path: stop with a savepoint),
 * the fourth finishes the backlog. Every run after the first resumes from the state folder.
 * Read with {@code read_committed}, every id must come back exactly once. Before the state
 * folder, each new run started from the group's committed offsets, which are not atomic with the
 * sink's transactions, and lost or duplicated records.
 */
class RunRestartTest {
    private static final int RECORDS = 6_000;
    private static final Duration RUN_LIMIT = Duration.ofMinutes(3);

    @Test
    void killedAndStoppedRunsResumeWithNothingLostOrDuplicated(@TempDir Path work) throws Exception {
        Random random = new Random(23);
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(2, "rs-images", "rs-results", "rs-dead");
            produceBacklog(kafka);
            Map<String, Integer> seen = new HashMap<>();
            try (OutputReader reader = new OutputReader(kafka.bootstrapServers(), "rs-results", "rs-dead", new Properties())) {
                int firstKill = 600 + random.nextInt(900);
                int secondKill = 2_400 + random.nextInt(1_200);
                int stop = 4_300 + random.nextInt(800);

                Process first = startRun(kafka, work, 1);
                awaitCommitted(reader, seen, firstKill, first);
                first.destroyForcibly().waitFor();

                Process second = startRun(kafka, work, 2);
                awaitCommitted(reader, seen, secondKill, second);
                second.destroyForcibly().waitFor();
                assertThat(log(work, 2)).contains("Resumed from");

                Process third = startRun(kafka, work, 3);
                awaitCommitted(reader, seen, stop, third);
                third.destroy(); // SIGTERM: the shutdown hook stops the job with a savepoint
                assertThat(third.waitFor(90, TimeUnit.SECONDS)).as("the third run stops").isTrue();
                assertThat(log(work, 3)).contains("Resumed from").contains("Stopped with a savepoint");

                Process fourth = startRun(kafka, work, 4);
                awaitCommitted(reader, seen, RECORDS, fourth);
                fourth.destroy();
                assertThat(fourth.waitFor(90, TimeUnit.SECONDS)).isTrue();
                assertThat(log(work, 4)).contains("Resumed from");
                // After the last savepoint every transaction is committed: whatever arrives now is a duplicate.
                drain(reader, seen);
            }
            assertThat(seen).hasSize(RECORDS);
            assertThat(seen.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList())
                    .as("ids that came back more than once").isEmpty();
        }
    }

    private static void produceBacklog(EmbeddedKafka kafka) {
        List<byte[]> images = new ArrayList<>();
        TextLineImages lines = new TextLineImages(5);
        for (int i = 0; i < 64; i++) {
            images.add(lines.sample(i % 2 == 0).png());
        }
        try (ImageProducer producer = new ImageProducer(kafka.bootstrapServers(), "rs-images", new Properties())) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(ImageProducer.image("r-" + i, images.get(i % images.size()), ImageEncoding.PNG, Map.of()));
            }
            producer.flush();
        }
    }

    /** One {@code run} in its own JVM, on the test's class path, its output in {@code run-N.log}. */
    private static Process startRun(EmbeddedKafka kafka, Path work, int attempt) throws IOException {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx768m",
                "-cp", System.getProperty("java.class.path"), FlinkInferenceCli.class.getName(), "run",
                "-b", kafka.bootstrapServers(), "--input-topic", "rs-images", "--output-topic", "rs-results",
                "--dead-letter-topic", "rs-dead", "--group-id", "rs", "--model", "ppocr-cls", "--store", TestModels.storeLocation(),
                "--delivery-guarantee", "exactly-once", "--checkpoint-interval", "1s", "--max-queue-delay", "2ms",
                "--web-ui-port", "0", "--state-dir", work.resolve("state").toString());
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve("run-" + attempt + ".log").toFile())
                .start();
    }

    /** Reads committed results until {@code count} distinct ids are in, failing if the run dies or takes too long. */
    private static void awaitCommitted(OutputReader reader, Map<String, Integer> seen, int count, Process run) throws Exception {
        long deadline = System.nanoTime() + RUN_LIMIT.toNanos();
        while (seen.size() < count) {
            assertThat(run.isAlive()).as("the run is still running").isTrue();
            assertThat(System.nanoTime()).as("%d of %d ids within %s", seen.size(), count, RUN_LIMIT).isLessThan(deadline);
            read(reader.poll(Duration.ofMillis(200)), seen);
        }
    }

    /** Reads what is left until a poll of two seconds brings nothing: the topics hold no open transaction any more. */
    private static void drain(OutputReader reader, Map<String, Integer> seen) throws IOException {
        while (read(reader.poll(Duration.ofSeconds(2)), seen) > 0) {
            // keep reading
        }
    }

    private static int read(OutputReader.Batch batch, Map<String, Integer> seen) {
        for (InferenceResult result : batch.results()) {
            seen.merge(result.getId(), 1, Integer::sum);
        }
        assertThat(batch.deadLetters()).as("dead letters").isEmpty();
        return batch.results().size();
    }

    private static String log(Path work, int attempt) throws IOException {
        return Files.readString(work.resolve("run-" + attempt + ".log"));
    }
}
