package io.flinkinference.engine.tensorrt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Finding TensorRT and its per-GPU builder resources, and what to say when they are missing. */
class TensorRtLibraryTest {
    @TempDir
    Path install;

    @Test
    void findsTheBuilderResourceOfThisGpuNextToTheLibrary() throws Exception {
        Files.createFile(install.resolve("libnvinfer.so.10"));
        Files.createFile(install.resolve("libnvinfer_builder_resource_sm90.so.10.15.1"));
        Files.createFile(install.resolve("libnvinfer_builder_resource_ptx.so.10.15.1"));
        Map<String, String> environment = Map.of("LD_LIBRARY_PATH", "/nowhere:" + install);

        assertThat(TensorRtLibrary.candidates(environment)).contains(install.resolve("libnvinfer.so.10").toFile());
        assertThat(TensorRtLibrary.builderResources(environment, 9, 0)).extracting(File::getName)
                .containsExactly("libnvinfer_builder_resource_sm90.so.10.15.1");
        assertThat(TensorRtLibrary.builderResources(environment, 8, 9)).isEmpty();
    }

    @Test
    void findsTheUnsplitBuilderResourceOfOlderReleasesForEveryGpu() throws Exception {
        Files.createFile(install.resolve("libnvinfer.so.10"));
        Files.createFile(install.resolve("libnvinfer_builder_resource.so.10.6.0"));
        Map<String, String> environment = Map.of("LD_LIBRARY_PATH", install.toString());

        assertThat(TensorRtLibrary.builderResources(environment, 9, 0)).extracting(File::getName)
                .containsExactly("libnvinfer_builder_resource.so.10.6.0");
        assertThat(TensorRtLibrary.builderResources(environment, 8, 9)).hasSize(1);
    }

    @Test
    void theMissingResourceMessageSaysWhatToInstallAndWhatToUseMeanwhile() {
        String message = TensorRtLibrary.missingBuilderResourceMessage(9, 0, List.of(new File("/opt/trt/libnvinfer.so.10")), "");

        assertThat(message)
                .contains("no resources for this GPU (sm 9.0)")
                .contains("libnvinfer_builder_resource_sm90.so.10.*")
                .contains("/opt/trt/libnvinfer.so.10")
                .contains("Install the full TensorRT 10")
                .contains("use the onnxruntime engine")
                .doesNotContain("TensorRT said");
        assertThat(TensorRtLibrary.missingBuilderResourceMessage(9, 0, List.of(), "Failed to load resource"))
                .contains("(TensorRT said: Failed to load resource)");
    }

    @Test
    void withoutTensorRtLoadingSaysWhatIsMissing() {
        org.junit.jupiter.api.Assumptions.assumeTrue(TensorRtLibrary.candidates(System.getenv()).isEmpty(),
                "libnvinfer.so.10 is installed here, so the missing-library message cannot be seen");

        org.assertj.core.api.Assertions.assertThatThrownBy(TensorRtLibrary::load)
                .isInstanceOf(TensorRtLibrary.UnavailableException.class)
                .hasMessageContaining("libnvinfer.so.10 (TensorRT 10) was not found")
                .hasMessageContaining("Install TensorRT 10")
                .hasMessageContaining("use the onnxruntime engine instead");
    }
}
