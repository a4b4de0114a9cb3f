package io.flinkinference.engine.tensorrt;

import io.flinkinference.engine.tensorrt.gpu.NativeClassLoading;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.tensorrt.global.nvinfer;
import org.bytedeco.tensorrt.global.nvonnxparser;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds and loads TensorRT 10 once per JVM, or says exactly what is missing, what to install and
 * which engine to use instead, rather than an {@link UnsatisfiedLinkError} stack trace.
 */
public final class TensorRtLibrary {
    public static final String LIBRARY = "libnvinfer.so.10";
    private static final List<String> STANDARD_DIRS = List.of("/usr/lib/x86_64-linux-gnu", "/usr/local/tensorrt/lib",
            "/usr/lib/aarch64-linux-gnu", "/usr/local/cuda/lib64");

    private static boolean loaded;

    private TensorRtLibrary() {}

    /** TensorRT cannot be used here; the message says why and what to do. */
    public static final class UnavailableException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Where libnvinfer.so.10 is, if anywhere: LD_LIBRARY_PATH first, then the usual install folders. */
    public static List<File> candidates(Map<String, String> environment) {
        List<File> found = new ArrayList<>();
        List<String> dirs = new ArrayList<>();
        String path = environment.getOrDefault("LD_LIBRARY_PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isBlank()) {
                dirs.add(dir);
            }
        }
        dirs.addAll(STANDARD_DIRS);
        for (String dir : dirs) {
            File library = new File(dir, LIBRARY);
            if (library.isFile()) {
                found.add(library);
            }
        }
        return found;
    }

    /**
     * The builder resource files for this GPU next to the first {@code libnvinfer.so.10} found:
     * newer TensorRT releases split them per GPU ({@code libnvinfer_builder_resource_sm90.so.10.*}
     * for Hopper), older ones (10.6) ship one file for every GPU
     * ({@code libnvinfer_builder_resource.so.10.6.0}). Without it TensorRT can deserialize and run
     * plans but not build them.
     */
    public static List<File> builderResources(Map<String, String> environment, int major, int minor) {
        List<File> found = new ArrayList<>();
        String perGpu = "libnvinfer_builder_resource_sm" + major + minor + ".";
        String allGpus = "libnvinfer_builder_resource.so.10";
        for (File library : candidates(environment)) {
            File[] files = library.getParentFile().listFiles((dir, name) -> name.startsWith(perGpu) || name.startsWith(allGpus));
            if (files != null) {
                found.addAll(List.of(files));
            }
        }
        return found;
    }

    /** What to say when a plan cannot be built because the builder lacks this GPU's resources. */
    public static String missingBuilderResourceMessage(int major, int minor, List<File> librariesFound, String tensorRtSaid) {
        return "TensorRT's builder has no resources for this GPU (sm " + major + "." + minor + "): no "
                + "libnvinfer_builder_resource_sm" + major + minor + ".so.10.* (nor the all-GPU "
                + "libnvinfer_builder_resource.so.10.*) next to " + librariesFound
                + (tensorRtSaid.isEmpty() ? "" : " (TensorRT said: " + tensorRtSaid + ")")
                + ". Install the full TensorRT 10 for this GPU (NVIDIA's tar or Debian packages, not a runtime-only "
                + "redistribution) and build there; plans built elsewhere run here only if built for sm " + major + "."
                + minor + " and the same TensorRT version. Until then use the onnxruntime engine.";
    }

    /** Loads TensorRT and its ONNX parser; returns TensorRT's version as "major.minor.patch". */
    public static synchronized String load() {
        if (!loaded) {
            if (candidates(System.getenv()).isEmpty()) {
                throw new UnavailableException(LIBRARY + " (TensorRT 10) was not found on LD_LIBRARY_PATH ("
                        + System.getenv().getOrDefault("LD_LIBRARY_PATH", "unset") + ") or in " + STANDARD_DIRS
                        + ". Install TensorRT 10 for your CUDA version (NVIDIA's tar or Debian packages) and put its lib "
                        + "folder on LD_LIBRARY_PATH; on machines without an NVIDIA GPU use the onnxruntime engine instead.", null);
            }
            NativeClassLoading.requireSharedLoader(Loader.class);
            try {
                Loader.load(nvinfer.class);
                Loader.load(nvonnxparser.class);
            } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
                throw new UnavailableException("TensorRT is installed (" + candidates(System.getenv()) + ") but its Java "
                        + "bindings could not be loaded: " + e.getMessage() + ". The JavaCPP natives for TensorRT "
                        + "(org.bytedeco:tensorrt:10.15-1.5.13 with the linux-x86_64 classifier) must be on the class path; "
                        + "or use the onnxruntime engine.", e);
            }
            loaded = true;
        }
        int version = nvinfer.getInferLibVersion(); // e.g. 101501 for 10.15.1
        return (version / 10000) + "." + (version / 100 % 100) + "." + (version % 100);
    }
}
