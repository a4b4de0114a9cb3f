package io.flinkinference.engine.tensorrt.gpu;

import org.bytedeco.cuda.cudart.cudaDeviceProp;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.PointerPointer;

/**
 * The CUDA runtime, loaded once per JVM, and error checking for its calls. Every CUDA call in the
 * project goes through {@link #check}, so a failure names the call and CUDA's error name.
 *
 * <p>JavaCPP keeps loaded libraries per class loader; a Flink job restarted in a new user-code
 * class loader must not load them again, so GPU TaskManagers keep the JavaCPP jars in Flink's
 * {@code lib/} folder ({@link NativeClassLoading} checks this).
 */
public final class Cuda {
    private static final int ERROR_NO_DEVICE = 100;
    private static final int ERROR_INSUFFICIENT_DRIVER = 35;
    private static final String INSTEAD = "; on machines without an NVIDIA GPU use the onnxruntime engine instead.";

    private static boolean loaded;
    /** The first failure, kept: later attempts only see "Could not initialize class", without the cause. */
    private static GpuUnavailableException loadFailure;

    private Cuda() {}

    /** Loads the CUDA runtime's bindings, or explains what is missing. */
    public static synchronized void load() {
        if (loaded) {
            return;
        }
        if (loadFailure != null) {
            throw new GpuUnavailableException(loadFailure.getMessage(), loadFailure);
        }
        NativeClassLoading.requireSharedLoader(Loader.class);
        try {
            Loader.load(cudart.class);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            loadFailure = new GpuUnavailableException(missingLibraryMessage(e), e);
            throw loadFailure;
        }
        loaded = true;
    }

    /** What to tell a user whose machine lacks the CUDA runtime; package-private for tests. */
    static String missingLibraryMessage(Throwable error) {
        return "CUDA could not be loaded (" + causes(error) + "). Install the NVIDIA driver (libcuda.so.1) and the "
                + "CUDA 13 runtime (libcudart.so.13), and put the runtime's lib64 folder (usually /usr/local/cuda/lib64) on "
                + "LD_LIBRARY_PATH" + INSTEAD;
    }

    /** The messages of an error and its causes: JavaCPP puts the missing library's name in a cause. */
    static String causes(Throwable error) {
        java.util.List<String> messages = new java.util.ArrayList<>();
        for (Throwable t = error; t != null && messages.size() < 4; t = t.getCause()) {
            if (t.getMessage() != null && !messages.contains(t.getMessage())) {
                messages.add(t.getMessage());
            }
        }
        return String.join("; caused by: ", messages);
    }

    /** How many GPUs CUDA sees; fails with a clear message when there are none. */
    public static int deviceCount() {
        load();
        int[] count = new int[1];
        int status = cudart.cudaGetDeviceCount(count);
        if (status == ERROR_NO_DEVICE || status == ERROR_INSUFFICIENT_DRIVER || count[0] == 0) {
            throw new GpuUnavailableException("No usable NVIDIA GPU: " + (status == 0 ? "CUDA sees 0 devices"
                    : errorName(status)) + ". Check nvidia-smi, CUDA_VISIBLE_DEVICES and, on Kubernetes, the "
                    + "nvidia.com/gpu resource of the TaskManager" + INSTEAD, null);
        }
        check(status, "cudaGetDeviceCount");
        return count[0];
    }

    /** Makes {@code device} current for this thread (CUDA's current device is per thread). */
    public static void use(int device) {
        load();
        check(cudart.cudaSetDevice(device), "cudaSetDevice(" + device + ")");
    }

    /** Name and compute capability of a GPU. */
    public static GpuInfo describe(int device) {
        load();
        try (cudaDeviceProp properties = new cudaDeviceProp()) {
            check(cudart.cudaGetDeviceProperties(properties, device), "cudaGetDeviceProperties(" + device + ")");
            return new GpuInfo(device, properties.name().getString(), properties.major(), properties.minor(),
                    properties.totalGlobalMem(), properties.multiProcessorCount());
        }
    }

    /** Throws a {@link CudaException} naming {@code call} unless {@code status} is cudaSuccess. */
    public static void check(int status, String call) {
        if (status != 0) {
            // Reset the thread's last error too, so that a later launch check does not report this failure again.
            cudart.cudaGetLastError();
            throw new CudaException(call, errorName(status), status);
        }
    }

    /** Checks for an error left by a kernel launch. */
    public static void checkLaunch(String kernel) {
        check(cudart.cudaGetLastError(), "launching " + kernel);
    }

    /** Checks a CUDA driver API call ({@code cu*}), whose error codes differ from the runtime's. */
    public static void checkDriver(int status, String call) {
        if (status != 0) {
            try (PointerPointer<BytePointer> name = new PointerPointer<>(1)) {
                boolean named = cudart.cuGetErrorName(status, name) == 0 && name.get(0) != null;
                throw new CudaException(call, named ? name.getString(0) : "CUDA_ERROR " + status, status);
            }
        }
    }

    /** CUDA's name for a runtime error code, e.g. {@code cudaErrorInvalidValue}. */
    public static String errorName(int status) {
        BytePointer name = cudart.cudaGetErrorName(status);
        return name == null || name.isNull() ? "cudaError " + status : name.getString();
    }

    /** One GPU, as CUDA describes it. */
    public record GpuInfo(int device, String name, int major, int minor, long memoryBytes, int multiprocessors) {
        /** "9.0" for Hopper: the form plan lineages record. */
        public String computeCapability() {
            return major + "." + minor;
        }

        @Override
        public String toString() {
            return "GPU " + device + " " + name + " (sm " + computeCapability() + ", " + (memoryBytes >> 30) + " GiB, "
                    + multiprocessors + " SMs)";
        }
    }
}
