package io.flinkinference.engine.tensorrt.gpu;

/**
 * Native libraries must be loaded once per JVM. A JNI library belongs to the class loader that
 * loaded it, and Flink gives every job attempt a new user-code class loader: when the JavaCPP jars
 * travel inside the job jar, the first restart after a failure would try to load CUDA's bridges a
 * second time and fail. So the GPU engines require JavaCPP from Flink's own class path
 * ({@code lib/}), and say so at start rather than at the first restart.
 */
public final class NativeClassLoading {
    private NativeClassLoading() {}

    /** Refuses a native-binding class that was loaded by a job's user-code class loader. */
    public static void requireSharedLoader(Class<?> bindingClass) {
        ClassLoader loader = bindingClass.getClassLoader();
        if (isFlinkUserCodeLoader(loader)) {
            throw new GpuUnavailableException(bindingClass.getName() + " was loaded from the job jar (" + loader
                    + "), so its native libraries would be loaded again, and fail, when Flink restarts the job. Put the "
                    + "JavaCPP jars (javacpp, cuda and tensorrt, each with its linux-x86_64 classifier) in Flink's lib/ "
                    + "folder on every GPU TaskManager, and leave them out of the job jar.", null);
        }
    }

    /** By name, so that the command-line tools (gpu-check) need no Flink on their class path. */
    static boolean isFlinkUserCodeLoader(ClassLoader loader) {
        for (Class<?> type = loader == null ? null : loader.getClass(); type != null; type = type.getSuperclass()) {
            if (type.getName().equals("org.apache.flink.util.FlinkUserCodeClassLoader")) {
                return true;
            }
        }
        return false;
    }
}
