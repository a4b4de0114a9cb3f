package io.flinkinference.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flinkinference.samples.TextLineImages;
import io.flinkinference.testing.CommandRunner;
import io.flinkinference.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * {@code flink-inference bench} as a user runs it, on the real orientation classifier and the real
 * ONNX Runtime, with short measuring windows: what it measures and reports, never how fast.
 */
class BenchCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] SHORT = {"--seconds", "0.2", "--warm-up", "0.05"};

    private final CommandRunner cli = CommandRunner.of(FlinkInferenceCli::commandLine);

    @Test
    void theEngineSweepMeasuresEveryRequestedPointAndTheJsonSaysWhichIsBest() throws IOException {
        int status = run("bench", "ppocr-cls", "--batch-sizes", "1,4", "--concurrency", "1,2", "--no-function", "--json");

        assertThat(status).as(cli.err()).isZero();
        JsonNode report = JSON.readTree(cli.out());
        assertThat(report.get("model").asText()).startsWith("ppocr-cls:");
        assertThat(report.get("engine").asText()).isEqualTo("onnxruntime");
        assertThat(report.get("inputs").asText()).contains("synthetic", "[N,3,48,192]", "seed 7");
        List<String> points = new ArrayList<>();
        double bestRate = 0;
        for (JsonNode point : report.get("engineSweep")) {
            int batch = point.get("batchSize").asInt();
            points.add(batch + "x" + point.get("callers").asInt());
            assertThat(point.get("calls").asLong()).isPositive();
            assertThat(point.get("records").asLong()).isEqualTo(point.get("calls").asLong() * batch);
            assertThat(point.get("recordsPerSecond").asDouble()).isPositive();
            assertThat(point.get("p50Millis").asDouble()).isPositive().isLessThanOrEqualTo(point.get("p99Millis").asDouble());
            bestRate = Math.max(bestRate, point.get("recordsPerSecond").asDouble());
        }
        assertThat(points).containsExactly("1x1", "1x2", "4x1", "4x2");
        assertThat(report.get("bestEngine").get("recordsPerSecond").asDouble()).isEqualTo(bestRate);
        assertThat(report.get("functionSweep")).isEmpty();
        assertThat(report.get("bestFunction").isNull()).isTrue();
        assertThat(cli.err()).contains("engine 1/4: batch 1, 1 caller(s)", "engine 4/4: batch 4, 2 caller(s)");
    }

    @Test
    void theFunctionSweepRunsTheBatchingFunctionAndBothTablesMarkTheirBest() {
        int status = run("bench", "ppocr-cls", "--batch-sizes", "8", "--concurrency", "1");

        assertThat(status).as(cli.err()).isZero();
        List<String> tableLines = cli.out().lines().filter(line -> line.startsWith("|")).toList();
        // Header, rule and one row for the engine; the same for the function.
        assertThat(tableLines).hasSize(6);
        assertThat(tableLines.get(0)).contains("batch", "callers", "records/s", "p50 ms", "p99 ms");
        assertThat(tableLines.get(2)).startsWith("|     8 |       1 |").endsWith("<- best |");
        assertThat(tableLines.get(3)).contains("max batch", "mean batch");
        assertThat(tableLines.get(5)).startsWith("|         8 |").endsWith("<- best |");
        // Aligned: every line of a table as long as its header.
        assertThat(tableLines.subList(0, 3)).allMatch(line -> line.length() == tableLines.get(0).length());
        assertThat(tableLines.subList(3, 6)).allMatch(line -> line.length() == tableLines.get(3).length());
        String[] function = tableLines.get(5).split("\\|");
        double meanBatch = Double.parseDouble(function[4].trim());
        assertThat(meanBatch).isBetween(1.0, 8.0);
        assertThat(Double.parseDouble(function[3].trim())).isPositive();
        assertThat(Double.parseDouble(function[5].trim())).isLessThanOrEqualTo(Double.parseDouble(function[6].trim()));
        assertThat(cli.err()).contains("engine 1/1: batch 8", "function 1/1: max batch 8");
    }

    @Test
    void picturesFromInputsArePreprocessedAsTheManifestSays(@TempDir Path folder) throws IOException {
        List<TextLineImages.Sample> lines = new TextLineImages(11).samples(3);
        for (int i = 0; i < lines.size(); i++) {
            Files.write(folder.resolve("line-" + i + ".png"), lines.get(i).png());
        }
        Files.writeString(folder.resolve("notes.txt"), "not a picture, so not read");

        int status = run("bench", "ppocr-cls", "--inputs", folder.toString(), "--batch-sizes", "2", "--concurrency", "1",
                "--no-function", "--json");

        assertThat(status).as(cli.err()).isZero();
        JsonNode report = JSON.readTree(cli.out());
        assertThat(report.get("inputs").asText()).startsWith("3 image(s) from " + folder);
        assertThat(report.get("engineSweep")).hasSize(1);
        assertThat(report.get("engineSweep").get(0).get("recordsPerSecond").asDouble()).isPositive();
    }

    @Test
    void recordWritesTheKneeOfTheEngineSweepIntoTheRunConfigurationKeepingItsOtherLines(@TempDir Path folder) throws IOException {
        Path config = folder.resolve("job.properties");
        Files.writeString(config, String.join("\n", "# the classify job", "inference.model=ppocr-cls",
                "inference.batch.max-size = 32", "kafka.acks=all", ""));

        int status = run("bench", "ppocr-cls", "--batch-sizes", "1,2,4", "--concurrency", "1", "--no-function", "--json",
                "--record", config.toString());

        assertThat(status).as(cli.err()).isZero();
        JsonNode report = JSON.readTree(cli.out()); // still one JSON object: what was recorded is said on standard error
        Map<Integer, Double> curve = new TreeMap<>();
        for (JsonNode point : report.get("engineSweep")) {
            curve.put(point.get("batchSize").asInt(), point.get("recordsPerSecond").asDouble());
        }
        double best = curve.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        int knee = curve.entrySet().stream().filter(e -> e.getValue() >= 0.95 * best).findFirst().orElseThrow().getKey();
        Properties written = new Properties();
        try (var reader = Files.newBufferedReader(config)) {
            written.load(reader);
        }
        assertThat(written.getProperty("inference.batch.max-size")).isEqualTo(Integer.toString(knee));
        assertThat(written.getProperty("inference.batch.fit-to-engine")).isEqualTo("false");
        assertThat(written.getProperty("inference.model")).isEqualTo("ppocr-cls");
        assertThat(written.getProperty("kafka.acks")).isEqualTo("all");
        List<String> lines = Files.readAllLines(config);
        assertThat(lines).startsWith("# the classify job", "inference.model=ppocr-cls", "inference.batch.max-size=" + knee,
                "kafka.acks=all");
        assertThat(cli.err()).contains("Recorded in " + config + ": inference.batch.max-size=" + knee
                + ", inference.batch.fit-to-engine=false");
    }

    @Test
    void recordCreatesAMissingFile(@TempDir Path folder) throws IOException {
        Path config = folder.resolve("new.properties");

        int status = run("bench", "ppocr-cls", "--batch-sizes", "2", "--concurrency", "1", "--no-function", "--record", config.toString());

        assertThat(status).as(cli.err()).isZero();
        assertThat(Files.readAllLines(config)).containsExactly("inference.batch.max-size=2", "inference.batch.fit-to-engine=false");
        assertThat(cli.out()).contains("Recorded in " + config + ": inference.batch.max-size=2");
    }

    @Test
    void anUnknownModelIsOneErrorNamingWhatTheStoreHolds() {
        int status = run("bench", "no-such-model", "--no-function");

        assertThat(status).isEqualTo(1);
        assertThat(cli.err()).contains("error: No model 'no-such-model'", "ppocr-cls").doesNotContain("\tat ");
        assertThat(cli.out()).isEmpty();
    }

    @Test
    void aBatchSizeTheEngineCannotTakeOrOfNoSizeIsRefused() {
        assertThat(run("bench", "ppocr-cls", "--batch-sizes", "4,0")).isEqualTo(2);
        assertThat(cli.err()).contains("--batch-sizes must all be at least 1, not [4, 0]");

        assertThat(run("bench", "ppocr-cls", "--concurrency", "0")).isEqualTo(2);
        assertThat(cli.err()).contains("--concurrency must all be at least 1");

        assertThat(run("bench", "ppocr-cls", "--batch-sizes", "two")).isEqualTo(2);
        assertThat(cli.err()).contains("--batch-sizes");
        assertThat(cli.out()).isEmpty();
    }

    @Test
    void anEngineThatIsNotHereIsOneErrorAndNothingIsMeasured() {
        assertThat(run("bench", "ppocr-cls", "--engine", "no-such-engine")).isEqualTo(1);
        assertThat(cli.err()).contains("error: No inference engine named 'no-such-engine'", "onnxruntime");
        assertThat(cli.out()).isEmpty();
    }

    @Test
    void tensorRtWithoutAGpuOrItsLibrariesIsTheEnginesOwnErrorBeforeAnythingIsMeasured() {
        assumeFalse(gpuAndTensorRt(), "a GPU and TensorRT are here, so the refusal cannot be seen");

        assertThat(run("bench", "ppocr-cls", "--engine", "tensorrt")).isEqualTo(1);
        assertThat(cli.err()).containsAnyOf("CUDA could not be loaded", "No usable NVIDIA GPU", "libnvinfer.so.10")
                .contains("onnxruntime engine").doesNotContain("engine 1/");
        assertThat(cli.out()).isEmpty();
    }

    private static boolean gpuAndTensorRt() {
        try {
            io.flinkinference.engine.tensorrt.gpu.Cuda.deviceCount();
            io.flinkinference.engine.tensorrt.TensorRtLibrary.load();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private int run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(SHORT));
        all.addAll(List.of("--store", TestModels.storeLocation()));
        return cli.run(all.toArray(String[]::new));
    }
}
