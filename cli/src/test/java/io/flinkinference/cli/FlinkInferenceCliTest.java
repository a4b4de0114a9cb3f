package io.flinkinference.cli;

import io.flinkinference.testing.CommandRunner;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FlinkInferenceCliTest {
    private final CommandRunner cli = CommandRunner.of(FlinkInferenceCli::commandLine);

    @Test
    void helpListsTheCommands() {
        assertThat(run("--help")).isZero();
        assertThat(cli.out()).contains("models").contains("demo");
    }

    @Test
    void theDemoStreamsThroughKafkaAndFlinkAndSummarizes() {
        String store = System.getProperty("flinkinference.test.store", "target/test-model-store");

        assertThat(run("demo", "--records", "120", "--rate", "60", "--corrupt-every", "20", "--seed", "7", "--store", store))
                .as(cli.out()).isZero();

        String output = cli.out();
        assertThat(output).contains("Starting a Kafka broker").contains("Flink MiniCluster").contains("warm-up");
        String summary = output.lines().filter(l -> l.startsWith("summary: ")).findFirst().orElseThrow();
        assertThat(summary).matches("summary: records=120 results=114 dead_letters=6 accuracy=\\d+\\.\\d% "
                + "throughput=\\d+/s p50_ms=\\d+ p99_ms=\\d+");
        double accuracy = Double.parseDouble(summary.replaceAll(".*accuracy=([0-9.]+)%.*", "$1"));
        assertThat(accuracy).isGreaterThanOrEqualTo(95.0);
    }

    @Test
    void theOcrDemoReadsDocumentPagesAndEndsWithTheCharacterErrorRate() {
        String store = System.getProperty("flinkinference.test.store", "target/test-model-store");

        assertThat(run("demo", "--pipeline", "ocr", "--records", "12", "--rate", "0", "--corrupt-every", "6", "--seed", "7",
                "--store", store)).as(cli.out()).isZero();

        String output = cli.out();
        assertThat(output).contains("Starting a Kafka broker").contains("Starting the OCR job").contains("ppocr-det, ppocr-cls, ppocr-rec")
                .contains("warm-up").contains("sent 12/12");
        List<String> lines = output.strip().lines().toList();
        String summary = lines.get(lines.size() - 1);
        // Pages 6 and 12 are corrupt (a truncated JPEG, random bytes): dead letters; the other ten have text.
        assertThat(summary).matches("summary: images=12 results=10 dead_letters=2 cer=\\d+\\.\\d% "
                + "throughput=\\d+\\.\\d/s p50_ms=\\d+ p99_ms=\\d+");
        double cer = Double.parseDouble(summary.replaceAll(".*cer=([0-9.]+)%.*", "$1"));
        assertThat(cer).isLessThan(5.0);
    }

    @Test
    void theClassifyDemosOptionsRefuseTheOcrStagesBatchSizes() {
        assertThat(run("demo", "--det-max-batch-size", "2")).isEqualTo(2);
        assertThat(cli.err()).contains("are for --pipeline ocr");
    }

    @Test
    void everyCommandsHelpWorksEvenWithRequiredOptionsMissing() {
        for (String[] command : new String[][] {{"models", "import", "--help"}, {"setup", "import", "--help"}, {"ocr", "--help"},
            {"produce", "--help"}, {"consume", "--help"}, {"setup", "tensorrt", "--help"}}) {
            assertThat(run(command)).as(String.join(" ", command) + ": " + cli.err()).isZero();
            assertThat(cli.out()).contains("Usage: flink-inference");
        }
        assertThat(run("--help")).isZero();
        assertThat(cli.out().lines().filter(l -> l.contains("gpu-check"))).singleElement()
                .satisfies(line -> assertThat(line).doesNotEndWith(":"));
    }

    /** Help is 80 columns wide: an example (an indented footer line) longer than that wraps in the middle of a command. */
    @Test
    void everyExampleLineFitsTheHelpsWidth() {
        java.util.List<String> tooLong = new java.util.ArrayList<>();
        java.util.ArrayDeque<picocli.CommandLine> commands = new java.util.ArrayDeque<>(java.util.List.of(FlinkInferenceCli.commandLine()));
        while (!commands.isEmpty()) {
            picocli.CommandLine command = commands.pop();
            commands.addAll(command.getSubcommands().values());
            for (String line : command.getCommandSpec().usageMessage().footer()) {
                if (line.startsWith("  ") && line.length() >= command.getUsageHelpWidth()) {
                    tooLong.add(command.getCommandName() + ": " + line);
                }
            }
        }
        assertThat(tooLong).isEmpty();
    }

    @Test
    void anUnknownCommandIsAUsageError() {
        assertThat(run("serve")).isEqualTo(2);
        assertThat(cli.err()).contains("Unmatched argument").contains("serve");
    }

    private int run(String... args) {
        return cli.run(args);
    }
}
