package io.flinkinference.engine.tensorrt.gpu;

import org.apache.flink.util.ChildFirstClassLoader;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Test;

import java.net.URL;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * JavaCPP loaded through a job's user-code class loader (as when its jars travel in the job jar)
 * must be refused at start, with how to fix it, rather than fail at Flink's first restart.
 */
class NativeClassLoadingTest {
    @Test
    void refusesJavaCppLoadedByAJobsUserCodeClassLoader() throws Exception {
        URL javacppJar = Loader.class.getProtectionDomain().getCodeSource().getLocation();
        try (ChildFirstClassLoader jobLoader = new ChildFirstClassLoader(new URL[] {javacppJar},
                NativeClassLoadingTest.class.getClassLoader(), new String[0], error -> {})) {
            Class<?> fromJob = jobLoader.loadClass(Loader.class.getName());
            assertThat(fromJob.getClassLoader()).isSameAs(jobLoader);

            assertThatThrownBy(() -> NativeClassLoading.requireSharedLoader(fromJob))
                    .isInstanceOf(GpuUnavailableException.class)
                    .hasMessageContaining("was loaded from the job jar")
                    .hasMessageContaining("in Flink's lib/")
                    .hasMessageContaining("leave them out of the job jar");
        }
    }

    @Test
    void acceptsJavaCppFromTheApplicationClassPath() {
        NativeClassLoading.requireSharedLoader(Loader.class);
    }
}
