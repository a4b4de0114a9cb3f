package io.flinkinference.engine.tensorrt.gpu;

import org.bytedeco.cuda.global.nvrtc;
import org.bytedeco.cuda.nvrtc._nvrtcProgram;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;

import java.util.List;

/**
 * Compiles CUDA C source to machine code for one GPU architecture at run time with NVRTC, so the
 * project ships kernel source rather than binaries for every GPU generation.
 */
public final class NvrtcCompiler {
    private NvrtcCompiler() {}

    /**
     * @param computeCapability e.g. "9.0"
     * @param options extra NVRTC options, e.g. {@code --fmad=false}
     * @return the CUBIN for {@code sm_<major><minor>}
     */
    public static byte[] compile(String name, String source, String computeCapability, List<String> options) {
        try {
            Loader.load(nvrtc.class);
        } catch (UnsatisfiedLinkError e) {
            throw new GpuUnavailableException("NVRTC (libnvrtc.so.13, CUDA's run-time compiler) could not be loaded: "
                    + e.getMessage() + ". It ships with the CUDA 13 toolkit and runtime packages; put its folder on "
                    + "LD_LIBRARY_PATH.", e);
        }
        String arch = "--gpu-architecture=sm_" + computeCapability.replace(".", "");
        _nvrtcProgram program = new _nvrtcProgram();
        check(nvrtc.nvrtcCreateProgram(program, new BytePointer(source), new BytePointer(name), 0,
                (PointerPointer<?>) null, (PointerPointer<?>) null), "nvrtcCreateProgram", name);
        try {
            String[] all = new String[options.size() + 1];
            all[0] = arch;
            for (int i = 0; i < options.size(); i++) {
                all[i + 1] = options.get(i);
            }
            try (PointerPointer<BytePointer> optionPointers = new PointerPointer<>(all)) {
                int status = nvrtc.nvrtcCompileProgram(program, all.length, optionPointers);
                if (status != nvrtc.NVRTC_SUCCESS) {
                    throw new CudaException("NVRTC compiling " + name + " for " + arch + ":\n" + log(program),
                            nvrtc.nvrtcGetErrorString(status).getString(), status);
                }
            }
            SizeTPointer size = new SizeTPointer(1);
            check(nvrtc.nvrtcGetCUBINSize(program, size), "nvrtcGetCUBINSize", name);
            byte[] cubin = new byte[(int) size.get()];
            BytePointer out = new BytePointer(cubin.length);
            check(nvrtc.nvrtcGetCUBIN(program, out), "nvrtcGetCUBIN", name);
            out.get(cubin);
            return cubin;
        } finally {
            nvrtc.nvrtcDestroyProgram(program);
        }
    }

    private static String log(_nvrtcProgram program) {
        SizeTPointer size = new SizeTPointer(1);
        if (nvrtc.nvrtcGetProgramLogSize(program, size) != nvrtc.NVRTC_SUCCESS) {
            return "(no log)";
        }
        BytePointer log = new BytePointer(size.get());
        nvrtc.nvrtcGetProgramLog(program, log);
        return log.getString();
    }

    private static void check(int status, String call, String name) {
        if (status != nvrtc.NVRTC_SUCCESS) {
            throw new CudaException(call + " for " + name, nvrtc.nvrtcGetErrorString(status).getString(), status);
        }
    }
}
