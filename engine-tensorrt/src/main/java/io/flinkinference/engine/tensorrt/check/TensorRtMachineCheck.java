package io.flinkinference.engine.tensorrt.check;

import io.flinkinference.engine.tensorrt.gpu.Cuda;
import io.flinkinference.engine.tensorrt.gpu.Cuda.GpuInfo;
import io.flinkinference.engine.tensorrt.gpu.GpuUnavailableException;
import io.flinkinference.operators.engine.MachineCheck;

import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * The TensorRT engine's check of this machine ({@code gpu-check}): its GPU parts, one step each:
 * memory and copies, the preprocessing kernel, nvJPEG and the GPU image pipeline, and TensorRT
 * itself against ONNX Runtime. Missed speed goals are reported, not failed.
 */
public final class TensorRtMachineCheck implements MachineCheck {

    @Override
    public int run(Options options) throws Exception {
        PrintWriter out = options.out();
        int device = options.device();
        GpuInfo gpu;
        try {
            int count = Cuda.deviceCount();
            if (device >= count) {
                out.println("error: GPU " + device + " does not exist; CUDA sees " + count);
                return NOTHING_TO_CHECK;
            }
            Cuda.use(device);
            gpu = Cuda.describe(device);
        } catch (GpuUnavailableException e) {
            out.println("No usable NVIDIA GPU here: " + e.getMessage());
            return NOTHING_TO_CHECK;
        }
        out.println("gpu-check on " + gpu + ", " + Runtime.getRuntime().availableProcessors() + " CPU cores");
        CheckReport report = new CheckReport(out);

        report.step("[1/4] memory and copies");
        double bandwidth = MemoryCheck.run(report);
        report.step("[2/4] preprocessing kernel");
        PreprocessCheck.run(report, device, bandwidth, options.batch());
        report.step("[3/4] nvJPEG");
        Path samples = options.jpegs().get();
        JpegCheck.run(report, device, samples);
        PipelineCheck.run(report, device, samples);
        report.step("[4/4] TensorRT");
        if (options.skipModel()) {
            report.say("skipped (--skip-tensorrt)");
        } else {
            TensorRtCheck.run(report, device, options.model(), options.labelledImages());
        }
        report.printSummary();
        return report.passed() ? PASSED : FAILED;
    }
}
