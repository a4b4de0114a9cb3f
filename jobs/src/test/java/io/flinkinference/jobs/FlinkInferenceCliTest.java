package io.flinkinference.jobs;

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
    void theDemoClassifiesRenderedLinesWithTheRealModel() {
        String store = System.getProperty("flinkinference.test.store", "target/test-model-store");

        assertThat(run("demo", "--records", "12", "--seed", "7", "--store", store)).isZero();

        String output = out.toString();
        assertThat(output).contains("ppocr-cls").contains("verified");
        String summary = output.lines().reduce((a, b) -> b).orElseThrow();
        assertThat(summary).startsWith("summary: records=12 correct=");
        int correct = Integer.parseInt(summary.replaceAll(".*correct=(\\d+).*", "$1"));
        assertThat(correct).isGreaterThanOrEqualTo(11);
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
