package io.flinkinference.tools.gpu;

import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.jobs.cli.StoreOption;
import io.flinkinference.engine.tensorrt.gpu.Cuda;
import io.flinkinference.engine.tensorrt.gpu.Cuda.GpuInfo;
import io.flinkinference.engine.tensorrt.gpu.GpuUnavailableException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code gpu-check}: what this machine's GPU does for the project, checked and measured. Exits 0
 * when every check passes, 1 when one fails, 2 when there is no usable GPU.
 */
@Command(name = "gpu-check", mixinStandardHelpOptions = true,
        description = {"Check and measure this machine's NVIDIA GPU for flink-inference:",
            "  1. pinned and device memory, copies byte for byte, the host-to-device feed against a plain cudaMemcpy;",
            "  2. the preprocessing kernel (NVRTC) against its Java reference, and its speed against the bytes-moved roofline;",
            "  3. nvJPEG batched decoding against ImageIO, and its speed against ImageIO on all cores; then JPEG to model "
                    + "input entirely on the GPU against the CPU path (ImageIO and Java2D on all cores);",
            "  4. TensorRT: parse the model, configure the builder, build a plan; where that works, run it against "
                    + "ONNX Runtime, from floats and from PNG bytes decoded on the GPU, and time it.",
            "Exit status: 0 all checks passed, 1 a check failed, 2 no usable GPU. Missed speed goals are reported, not failed."},
        footer = {"", "Examples:", "  flink-inference gpu-check", "  flink-inference gpu-check --device 1 --skip-tensorrt"})
public final class GpuCheckCommand implements Callable<Integer> {
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
        PrintWriter out = spec.commandLine().getOut();
        GpuInfo gpu;
        try {
            int count = Cuda.deviceCount();
            if (device >= count) {
                out.println("error: GPU " + device + " does not exist; CUDA sees " + count);
                return 2;
            }
            Cuda.use(device);
            gpu = Cuda.describe(device);
        } catch (GpuUnavailableException e) {
            out.println("No usable NVIDIA GPU here: " + e.getMessage());
            return 2;
        }
        out.println("gpu-check on " + gpu + ", " + Runtime.getRuntime().availableProcessors() + " CPU cores");
        CheckReport report = new CheckReport(out);

        report.step("[1/4] memory and copies");
        double bandwidth = MemoryCheck.run(report);
        report.step("[2/4] preprocessing kernel");
        PreprocessCheck.run(report, device, bandwidth, batch);
        report.step("[3/4] nvJPEG");
        Path samples = jpegs;
        if (samples == null) {
            samples = Files.createTempDirectory("gpu-check-jpegs");
            SampleJpegs.write(samples);
        }
        JpegCheck.run(report, device, samples);
        PipelineCheck.run(report, device, samples);
        report.step("[4/4] TensorRT");
        if (skipTensorRt) {
            report.say("skipped (--skip-tensorrt)");
        } else {
            TensorRtCheck.run(report, device, () -> store.open().resolve(ModelRef.parse(model)));
        }
        report.printSummary();
        return report.passed() ? 0 : 1;
    }
}
