package io.flinkinference.jobs;

import io.flinkinference.samples.EmbeddedKafka;
import io.flinkinference.testing.TestModels;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job jar's entry point, as {@code flink run} and application mode call it: it builds and
 * submits without checking for a GPU where it runs (under {@code flink run} that is the client,
 * in application mode the JobManager; the GPUs are on the TaskManagers). Outside {@code flink run}
 * the environment is a local, attached one, so the entry point waits for the job as attached
 * {@code flink run} does; the test reads the submitted job from the command meanwhile.
 */
class StreamingJobMainTest {

    @Test
    void submitsATensorRtJobWithoutLookingForALocalGpu() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(1, "main-images", "main-results", "main-dead");
            RunCommand command = RunCommand.clusterEntryPoint();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread main = new Thread(() -> {
                try {
                    StreamingJobMain.submit(command, new String[] {"-b", kafka.bootstrapServers(), "--model", "ppocr-cls",
                        "--store", TestModels.storeLocation(), "--engine", "tensorrt", "--input-topic", "main-images",
                        "--output-topic", "main-results", "--dead-letter-topic", "main-dead"});
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "job-jar-main");
            main.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (command.submitted() == null && main.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50); // polling a thread we do not own; no clock to inject
            }
            JobClient job = command.submitted();
            assertThat(job).as("submitted, not refused before (failure: %s)", failure.get()).isNotNull();
            try {
                assertThat(job.getJobStatus().get(30, TimeUnit.SECONDS).isGloballyTerminalState()).isFalse();
            } finally {
                job.cancel().get(60, TimeUnit.SECONDS);
                main.join(TimeUnit.SECONDS.toMillis(60));
            }
            assertThat(main.isAlive()).as("attached, the entry point returns once the job has ended").isFalse();
        }
    }
}
