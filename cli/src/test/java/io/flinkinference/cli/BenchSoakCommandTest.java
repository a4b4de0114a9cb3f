package io.flinkinference.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flinkinference.testing.CommandRunner;
import io.flinkinference.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bench --soak} in its CI size on the real orientation classifier: 20 s sampled every 2 s.
 * What it samples, reports and decides, never how fast (the machine may be shared). The soak runs
 * as a user runs it, in a process of its own: it judges the process's memory, and in the test
 * JVM after other tests it saw their leftovers (RSS rose 940 to 1300 MiB in 14 s with the
 * committed heap unchanged at 816 MiB: the heap those tests had committed being touched for the
 * first time, no leak of the soak's). The process gets a small heap, fixed and touched at start
 * ({@link #CI_HEAP}), as a CI soak should: with the JVM's default heap a 20 s soak saw its heap
 * grow to 888 MiB committed and be touched page by page (RSS 816 to 1226 MiB in 14 s) and only two
 * collections, so neither RSS nor heap after GC had settled within the run.
 */
class BenchSoakCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** JVM options of the soak's process: a heap of fixed size, resident from the start, small enough to be collected often. */
    static final List<String> CI_HEAP = List.of("-Xms384m", "-Xmx384m", "-XX:+AlwaysPreTouch");

    private final CommandRunner cli = CommandRunner.of(FlinkInferenceCli::commandLine);

    @Test
    void aShortSoakSamplesEveryMetricAndEndsWithAVerdictAndNoRecordLost(@TempDir Path folder) throws Exception {
        // Half the capacity, not the default 80%: on a 2-core machine shared with other builds a short capacity
        // measurement can come out high, and a function behind its rate would make this test about the machine.
        Path out = folder.resolve("out.json");
        Path err = folder.resolve("err.txt");
        Process soak = new ProcessBuilder(command("bench", "ppocr-cls", "--soak", "20s", "--sample-every", "2s",
                "--soak-load", "0.5", "--json")).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        boolean ended = soak.waitFor(3, TimeUnit.MINUTES);
        if (!ended) {
            soak.destroyForcibly();
        }
        String progress = Files.readString(err);
        assertThat(ended).as("the soak ended within 3 minutes:%n%s", progress).isTrue();

        assertThat(soak.exitValue()).as(progress).isZero();
        // The report is the one JSON line; the process's log may share standard output with it.
        String json = Files.readAllLines(out).stream().filter(line -> line.startsWith("{")).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no JSON report on standard output:\n" + progress));
        JsonNode report = JSON.readTree(json);
        assertThat(report.get("passed").asBoolean()).as(progress).isTrue();
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
        assertThat(progress).contains("Capacity of ppocr-cls:", "soak sample 1 at ", "soak sample 8 at ");
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
        return cli.run(withShortCapacity(args).toArray(String[]::new));
    }

    /** {@code flink-inference ARGS} in a JVM of its own, on this test's class path. */
    private static List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(CI_HEAP);
        command.addAll(List.of("-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"),
                FlinkInferenceCli.class.getName()));
        command.addAll(withShortCapacity(args));
        return command;
    }

    private static List<String> withShortCapacity(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--seconds", "1", "--warm-up", "0.2", "--store", TestModels.storeLocation()));
        return all;
    }
}
