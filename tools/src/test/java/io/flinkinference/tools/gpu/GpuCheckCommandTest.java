package io.flinkinference.tools.gpu;

import io.flinkinference.testing.CommandRunner;
import io.flinkinference.tools.ToolsCli;
import io.flinkinference.engine.tensorrt.check.SampleFolders;
import io.flinkinference.engine.tensorrt.gpu.Cuda;
import io.flinkinference.engine.tensorrt.gpu.GpuUnavailableException;
import io.flinkinference.operators.image.JpegHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code gpu-check} as users type it: without a GPU it says so and exits 2; with one it checks
 * and measures and exits 0 when every check passes. The sample images it decodes are tested here
 * too, since its comparison with ImageIO is only as good as they are.
 */
class GpuCheckCommandTest {
    private final CommandRunner cli = CommandRunner.merged(ToolsCli::commandLine);

    @TempDir
    Path samples;

    @Test
    void withoutAGpuItSaysSoAndExitsWithStatus2() {
        assumeFalse(gpuPresent(), "an NVIDIA GPU is usable here");

        assertThat(run("gpu-check")).isEqualTo(2);
        assertThat(cli.out()).startsWith("No usable NVIDIA GPU here:").contains("onnxruntime engine");
    }

    @Test
    void helpExplainsTheStepsAndExitStatuses() {
        assertThat(run("gpu-check", "--help")).isZero();
        assertThat(cli.out())
                .contains("preprocessing kernel")
                .contains("nvJPEG")
                .contains("TensorRT")
                .contains("2 no usable GPU");
    }

    @Test
    void checksAndMeasuresWhereAGpuExists() {
        assumeTrue(gpuPresent(), "no usable NVIDIA GPU here: gpu-check can only say so (tested above)");

        int status = run("gpu-check", "--skip-tensorrt", "--batch", "64");
        assertThat(status).as(cli.out()).isZero();
        assertThat(cli.out()).contains("all checks passed").contains("preprocessing kernel vs Java reference");
    }

    @Test
    void sampleImagesCoverSizesQualitiesAndTheFallbackFormats() throws Exception {
        SampleJpegs.write(samples);

        List<byte[]> mixed = SampleFolders.read(samples.resolve("mixed"));
        assertThat(mixed).hasSize(17);
        long baseline = mixed.stream().filter(bytes -> JpegHeader.read(bytes).map(JpegHeader::baseline).orElse(false)).count();
        long progressive = mixed.stream().filter(bytes -> JpegHeader.read(bytes).map(h -> h.frameType() == 0xC2).orElse(false)).count();
        assertThat(baseline).isEqualTo(15);
        assertThat(progressive).isEqualTo(1);
        assertThat(JpegHeader.read(mixed.get(16))).as("the PNG").isEmpty();
        assertThat(SampleFolders.read(samples.resolve("batch224"))).hasSize(256)
                .allSatisfy(bytes -> assertThat(JpegHeader.read(bytes).orElseThrow().width()).isEqualTo(224));
        assertThat(Files.list(samples.resolve("batch640")).count()).isEqualTo(128);
    }

    private static boolean gpuPresent() {
        try {
            return Cuda.deviceCount() > 0;
        } catch (GpuUnavailableException e) {
            return false;
        }
    }

    private int run(String... args) {
        return cli.run(args);
    }
}
