package io.flinkinference.tools.setup;

import io.flinkinference.engine.tensorrt.TensorRtLibrary;
import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.manifest.ModelFormat;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The TensorRT plan step. Where libnvinfer.so.10 is absent (CI, developer machines) it must fail at
 * once with a message that says what to install and what to use instead, and publish nothing;
 * where TensorRT and a GPU are present it builds and publishes a real plan.
 */
class TensorRtCommandTest extends SetupTestSupport {
    @Test
    void withoutTensorRtItFailsAtOnceAndPublishesNothing() {
        assumeFalse(tensorRtInstalled(), "TensorRT is installed here; the missing-library path cannot be seen");

        assertThat(run("setup", "tensorrt", "ppocr-cls", "--store", root.toString())).isEqualTo(1);

        assertThat(cli.out())
                .contains("libnvinfer.so.10 (TensorRT 10) was not found")
                .contains("Install TensorRT 10")
                .contains("use the onnxruntime engine instead")
                .doesNotContain("UnsatisfiedLinkError");
        assertThat(store.models()).containsExactly("ppocr-cls", "ppocr-det", "ppocr-rec");
    }

    @Test
    void buildsAndPublishesAPlanWhereTensorRtAndAGpuExist() {
        assumeTrue(tensorRtInstalled(), "no libnvinfer.so.10 on this machine: TensorRT plans can only be built where "
                + "TensorRT 10 with its builder resources and an NVIDIA GPU are installed");

        // Level 1 (TensorRT's default is 3) so that the test builds sooner, and to see the level reach the builder.
        int status = run("setup", "tensorrt", "ppocr-cls", "--max-batch", "32", "--optimization-level", "1",
                "--store", root.toString());
        assertThat(status).as(cli.out()).isZero();
        assertThat(cli.out()).contains("optimization level 1");
        String published = store.models().stream().filter(m -> m.startsWith("ppocr-cls-trt-sm")).findFirst().orElseThrow();
        var manifest = store.resolve(ModelRef.parse(published)).manifest();
        assertThat(manifest.format()).isEqualTo(ModelFormat.TENSORRT_PLAN);
        assertThat(manifest.lineage().attributes()).containsKeys("tensorrt.version", "gpu.computeCapability")
                .containsEntry("tensorrt.optimizationLevel", "1");
    }

    @Test
    void anOptimizationLevelTensorRtDoesNotHaveIsRefusedBeforeAnyWork() {
        assertThat(run("setup", "tensorrt", "ppocr-cls", "--optimization-level", "7", "--store", root.toString())).isEqualTo(2);
        assertThat(cli.out()).contains("--optimization-level must be 0 to 5").doesNotContain("was not found");
        assertThat(store.models()).containsExactly("ppocr-cls", "ppocr-det", "ppocr-rec");
    }

    private static boolean tensorRtInstalled() {
        try {
            TensorRtLibrary.load();
            return true;
        } catch (TensorRtLibrary.UnavailableException e) {
            return false;
        }
    }

}
