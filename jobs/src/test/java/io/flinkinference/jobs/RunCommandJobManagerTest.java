package io.flinkinference.jobs;

import io.flinkinference.jobs.cli.CliErrors;
import io.flinkinference.samples.EmbeddedKafka;
import io.flinkinference.testing.CommandRunner;
import io.flinkinference.testing.TestModels;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code run --jobmanager} at an address where no Flink listens, with everything else in order. */
class RunCommandJobManagerTest {
    private final CommandRunner cli = CommandRunner.of(
            () -> new CommandLine(new RunCommand()).setExecutionExceptionHandler(new CliErrors()));

    @Test
    void anUnreachableJobManagerIsOneErrorLineWithinSeconds() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(1, "images", "results", "dead-letters");
            long start = System.nanoTime();
            int status = cli.run("-b", kafka.bootstrapServers(), "--model", "ppocr-cls:1", "--store", TestModels.storeLocation(),
                    "--jobmanager", "127.0.0.1:1");
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(status).isEqualTo(1);
            assertThat(cli.err().lines()).hasSize(1).first().asString()
                    .startsWith("error: No Flink REST endpoint answers at 127.0.0.1:1").contains("REST port");
            // Flink's REST client alone retried for about a minute here.
            assertThat(took).isLessThan(Duration.ofSeconds(15));
        }
    }
}
