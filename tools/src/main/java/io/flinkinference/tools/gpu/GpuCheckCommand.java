package io.flinkinference.tools.gpu;

import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.jobs.cli.StoreOption;
import io.flinkinference.operators.engine.Engines;
import io.flinkinference.operators.engine.MachineCheck;
import io.flinkinference.samples.ImageFiles;
import io.flinkinference.samples.TextLineImages;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code gpu-check}: what this machine's GPU does for the project, checked and measured. Exits 0
 * when every check passes, 1 when one fails, 2 when there is no usable GPU. The checks are the
 * {@code tensorrt} engine's {@link MachineCheck}, found through the engine SPI; this command
 * parses options and supplies the sample images.
 */
@Command(name = "gpu-check", mixinStandardHelpOptions = true,
        description = {"Check and measure this machine's NVIDIA GPU for flink-inference in four steps (exit 2 without a GPU).",
            "  1. pinned and device memory, copies byte for byte, the host-to-device feed against a plain cudaMemcpy;",
            "  2. the preprocessing kernel (NVRTC) against its Java reference, and its speed against the bytes-moved roofline;",
            "  3. nvJPEG batched decoding against ImageIO, and its speed against ImageIO on all cores; then JPEG to model "
                    + "input entirely on the GPU against the CPU path (ImageIO and Java2D on all cores);",
            "  4. TensorRT: parse the model, configure the builder, build a plan; where that works, run it against "
                    + "ONNX Runtime, from floats and from JPEG bytes decoded on the GPU (nvJPEG), and time it.",
            "Exit status: 0 all checks passed, 1 a check failed, 2 no usable GPU. Missed speed goals are reported, not failed."},
        footer = {"", "Examples:", "  flink-inference gpu-check", "  flink-inference gpu-check --device 1 --skip-tensorrt"})
public final class GpuCheckCommand implements Callable<Integer> {
    /** The engine whose machine check this command runs. */
    private static final String ENGINE = "tensorrt";

    @Mixin
    StoreOption store;

    @Option(names = "--device", paramLabel = "N", defaultValue = "0", description = "GPU to check (default ${DEFAULT-VALUE}).")
    int device;

    @Option(names = "--model", paramLabel = "MODEL[:VERSION]", defaultValue = "ppocr-cls",
            description = "ONNX model for the TensorRT step (default ${DEFAULT-VALUE}; fetch it with: flink-inference models fetch).")
    String model;

    @Option(names = "--jpegs", paramLabel = "DIR",
            description = "Sample images for the nvJPEG step, as written by SampleJpegs (default: generated in a temporary folder).")
    Path jpegs;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "256", description = "Images per preprocessing batch timed (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--skip-tensorrt", description = "Leave out step 4.")
    boolean skipTensorRt;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new GpuCheckCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        MachineCheck check = Engines.provider(ENGINE).machineCheck().orElseThrow(() -> new IllegalStateException(
                "The " + ENGINE + " engine on the class path has no machine check."));
        return check.run(new MachineCheck.Options(device, this::sampleJpegs, batch, skipTensorRt,
                () -> store.open().resolve(ModelRef.parse(model)), GpuCheckCommand::textLines, spec.commandLine().getOut()));
    }

    /** The folder given, or sample images written to a temporary one (only once the GPU steps need them). */
    private Path sampleJpegs() {
        if (jpegs != null) {
            return jpegs;
        }
        try {
            Path samples = Files.createTempDirectory("gpu-check-jpegs");
            SampleJpegs.write(samples);
            return samples;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the sample images for the nvJPEG step: " + e.getMessage(), e);
        }
    }

    /**
     * Rendered text lines for the orientation classifier (the default model), half of them upside
     * down, as baseline JPEGs: the format nvJPEG's hardware engine takes, so that step 4's encoded
     * path decodes them on the GPU from the batch's pinned staging memory, as the job does.
     */
    private static List<MachineCheck.LabelledImage> textLines() {
        return new TextLineImages(23).samples(256).stream()
                .map(line -> new MachineCheck.LabelledImage(ImageFiles.jpeg(line.image(), 0.95f, false), line.rotated() ? 1 : 0))
                .toList();
    }
}
