package io.flinkinference.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flinkinference.testing.CommandRunner;
import io.flinkinference.testing.TestModels;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bench --soak} in its CI size on the real orientation classifier: 20 s sampled every 2 s.
 * What it samples, reports and decides, never how fast (the machine may be shared).
 */
class BenchSoakCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CommandRunner cli = CommandRunner.of(FlinkInferenceCli::commandLine);

    @Test
    void aShortSoakSamplesEveryMetricAndEndsWithAVerdictAndNoRecordLost() throws IOException {
        // Half the capacity, not the default 80%: on a 2-core machine shared with other builds a short capacity
        // measurement can come out high, and a function behind its rate would make this test about the machine.
        int status = run("bench", "ppocr-cls", "--soak", "20s", "--sample-every", "2s", "--soak-load", "0.5", "--json");

        assertThat(status).as(cli.err()).isZero();
        JsonNode report = JSON.readTree(cli.out());
        assertThat(report.get("passed").asBoolean()).as(cli.out()).isTrue();
        assertThat(report.get("load").asDouble()).isEqualTo(0.5);
        assertThat(report.get("capacityPerSecond").asDouble()).isPositive();
        assertThat(report.get("recordsPerSecond").asDouble()).isEqualTo(0.5 * report.get("capacityPerSecond").asDouble());
        // Ten intervals of 2 s in 20 s, counted from the first result; one or two fewer when the job's end came
        // before the last ones, more when a busy machine made the function fall behind the rate.
        JsonNode samples = report.get("samples");
        assertThat(samples.size()).isBetween(8, 20);
        long answered = 0;
        for (JsonNode sample : samples) {
            assertThat(sample.get("heapAfterGcBytes").asLong()).isPositive();
            assertThat(sample.get("heapCommittedBytes").asLong()).isGreaterThanOrEqualTo(sample.get("heapAfterGcBytes").asLong());
            assertThat(sample.get("directBytes").asLong()).isPositive();
            assertThat(sample.get("rssBytes").asLong()).isPositive();
            answered += sample.get("records").asLong();
        }
        assertThat(report.get("sent").asLong()).isPositive();
        assertThat(report.get("answered").asLong()).isEqualTo(report.get("sent").asLong());
        assertThat(answered).isPositive().isLessThanOrEqualTo(report.get("answered").asLong());
        assertThat(report.get("failed").asLong()).isZero();
        assertThat(report.get("lost").asLong()).isZero();
        List<String> metrics = new ArrayList<>();
        for (JsonNode verdict : report.get("verdicts")) {
            metrics.add(verdict.get("metric").asText());
            assertThat(verdict.get("outcome").asText()).isEqualTo("FLAT");
            assertThat(verdict.get("baselineSeconds").asDouble()).isCloseTo(20 / 3.0, org.assertj.core.data.Offset.offset(1e-9));
        }
        assertThat(metrics).containsExactly("heap after GC", "direct memory", "RSS");
        assertThat(cli.err()).contains("Capacity of ppocr-cls:", "soak sample 1 at ", "soak sample 8 at ");
    }

    @Test
    void aSoakTooShortForItsSamplingIsRefusedBeforeAnythingRuns() {
        assertThat(run("bench", "ppocr-cls", "--soak", "5s", "--sample-every", "2s")).isEqualTo(2);
        assertThat(cli.err()).contains("fewer than 6 samples").doesNotContain("Capacity of");

        assertThat(run("bench", "ppocr-cls", "--soak", "--soak-load", "1.5")).isEqualTo(2);
        assertThat(cli.err()).contains("--soak-load must be above 0 and at most 1");

        assertThat(run("bench", "ppocr-cls", "--soak", "--no-function")).isEqualTo(2);
        assertThat(cli.err()).contains("leave out --no-function");
        assertThat(cli.out()).isEmpty();
    }

    private int run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--seconds", "1", "--warm-up", "0.2", "--store", TestModels.storeLocation()));
        return cli.run(all.toArray(String[]::new));
    }
}
