package io.flinkinference.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

class FlinkInferenceCliTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void helpListsTheCommands() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("models").contains("demo");
    }

    @Test
    void theDemoStreamsThroughKafkaAndFlinkAndSummarizes() {
        String store = System.getProperty("flinkinference.test.store", "target/test-model-store");

        assertThat(run("demo", "--records", "120", "--rate", "60", "--corrupt-every", "20", "--seed", "7", "--store", store))
                .as(out.toString()).isZero();

        String output = out.toString();
        assertThat(output).contains("Starting a Kafka broker").contains("Flink MiniCluster").contains("warm-up");
        String summary = output.lines().filter(l -> l.startsWith("summary: ")).findFirst().orElseThrow();
        assertThat(summary).matches("summary: records=120 results=114 dead_letters=6 accuracy=\\d+\\.\\d% "
                + "throughput=\\d+/s p50_ms=\\d+ p99_ms=\\d+");
        double accuracy = Double.parseDouble(summary.replaceAll(".*accuracy=([0-9.]+)%.*", "$1"));
        assertThat(accuracy).isGreaterThanOrEqualTo(95.0);
    }

    @Test
    void anUnknownCommandIsAUsageError() {
        assertThat(run("serve")).isEqualTo(2);
        assertThat(err.toString()).contains("Unmatched argument").contains("serve");
    }

    private int run(String... args) {
        CommandLine cli = FlinkInferenceCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }
}
