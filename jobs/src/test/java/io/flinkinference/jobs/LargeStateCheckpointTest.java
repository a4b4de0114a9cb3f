package io.flinkinference.jobs;

import io.flinkinference.avro.ImageEncoding;
import io.flinkinference.jobs.kafka.ImageProducer;
import io.flinkinference.operators.InferenceOptions;
import io.flinkinference.samples.EmbeddedKafka;
import io.flinkinference.samples.ImageFiles;
import io.flinkinference.testing.TestModels;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A local run's checkpoint with far more than 5 MB of images in flight completes: the async
 * operator keeps every in-flight record in its state, and Flink's default JobManager storage
 * refuses a state over 5 MB ("larger than the maximum permitted memory-backed state"), which
 * failed every checkpoint and restarted the job. Here 40 noise images of about 270 KB wait in the
 * batcher (work-conserving off, its delay an hour, its batch bigger than the input), so every
 * checkpoint holds them.
 */
class LargeStateCheckpointTest {

    @Test
    void aCheckpointWithTenMegabytesOfImagesInFlightCompletesInTheStateFolder(@TempDir Path dir) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(1, "ls-images", "ls-results", "ls-dead");
            long bytes = 0;
            SplittableRandom random = new SplittableRandom(41);
            try (ImageProducer producer = new ImageProducer(kafka.bootstrapServers(), "ls-images", new Properties())) {
                for (int i = 0; i < 40; i++) {
                    byte[] png = ImageFiles.png(noise(300, 300, random));
                    bytes += png.length;
                    producer.send(ImageProducer.image("big-" + i, png, ImageEncoding.PNG, Map.of()));
                }
                producer.flush();
            }
            assertThat(bytes).as("the images in flight").isGreaterThan(10L << 20);

            Configuration inference = new Configuration();
            inference.set(InferenceOptions.MODEL, "ppocr-cls");
            inference.set(InferenceOptions.MODEL_STORE, TestModels.storeLocation());
            inference.set(InferenceOptions.MAX_BATCH_SIZE, 64);
            inference.set(InferenceOptions.CAPACITY, 64);
            inference.set(InferenceOptions.MAX_QUEUE_DELAY, Duration.ofHours(1));
            // Waiting for the delay even with the engine idle: work-conserving, the images would run at once and leave.
            inference.set(InferenceOptions.WORK_CONSERVING, false);
            // A batch of 64, more than the input: fitted to the engine, the cap would be lower and full batches would leave.
            inference.set(InferenceOptions.FIT_TO_ENGINE, false);
            StreamingInferenceJob.Settings settings = new StreamingInferenceJob.Settings(kafka.bootstrapServers(), "ls-images",
                    "ls-results", "ls-dead", "ls-test", inference, new Properties(), DeliveryGuarantee.AT_LEAST_ONCE,
                    Duration.ofMillis(500), 1, false);
            LocalJobState state = new LocalJobState(dir);
            StreamExecutionEnvironment env = LocalEnvironments.create(1, 0, 0, state.configure(new Configuration(), Optional.empty()));
            StreamingInferenceJob.build(env, settings);
            JobClient job = env.executeAsync("large state");
            try {
                long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                long checkpointed = 0;
                while (checkpointed < bytes) {
                    assertThat(System.nanoTime()).as("a checkpoint holding the images within 2 minutes").isLessThan(deadline);
                    assertThat(job.getJobStatus().get().isGloballyTerminalState()).isFalse();
                    checkpointed = newestCheckpointSize(state);
                    java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L); // polling the folder, not waiting for time
                }
                assertThat(checkpointed).isGreaterThan(10L << 20);
            } finally {
                job.cancel().get();
            }
        }
    }

    /**
     * The bytes of the newest completed checkpoint (its folder holds the operator state files), or 0
     * when Flink deleted it, subsumed by a newer one, while it was being measured: the next poll
     * finds that one.
     */
    private static long newestCheckpointSize(LocalJobState state) throws Exception {
        try {
            Optional<Path> checkpoint = state.latestRestorePoint();
            if (checkpoint.isEmpty()) {
                return 0;
            }
            try (Stream<Path> files = Files.walk(checkpoint.get())) {
                return files.filter(Files::isRegularFile).mapToLong(path -> path.toFile().length()).sum();
            }
        } catch (java.io.UncheckedIOException | java.nio.file.NoSuchFileException subsumed) {
            return 0;
        }
    }

    private static BufferedImage noise(int width, int height, SplittableRandom random) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        return image;
    }
}
