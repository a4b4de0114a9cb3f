package io.flinkinference.engine.tensorrt;

import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.manifest.DataType;
import io.flinkinference.modelstore.manifest.Lineage;
import io.flinkinference.modelstore.manifest.Manifest;
import io.flinkinference.modelstore.manifest.ModelFormat;
import io.flinkinference.modelstore.manifest.TensorSpec;
import io.flinkinference.operators.engine.Engines;
import io.flinkinference.engine.tensorrt.PlanSelector.Target;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Which plan the tensorrt engine loads for what the job names: an ONNX model resolves to its plan
 * for this GPU in the same store; a plan named directly must fit this GPU. The plans are
 * placeholder bytes: selection reads manifests only, and nothing here deserializes them.
 */
class TensorRtEngineProviderTest {
    private static final TensorSpec X = new TensorSpec("x", DataType.FLOAT32, List.of(-1L, 3L, 48L, 192L), null);
    private static final TensorSpec Y = new TensorSpec("y", DataType.FLOAT32, List.of(-1L, 2L), null);

    @TempDir
    Path root;

    private ModelStore store;

    @BeforeEach
    void publish() throws Exception {
        store = ModelStore.open(root.toUri());
        Path onnx = Files.writeString(root.resolve("model.onnx.tmp"), "onnx placeholder");
        store.publish(Manifest.builder("cls").format(ModelFormat.ONNX).artifact("model.onnx").inputs(List.of(X))
                .outputs(List.of(Y)).build(), Map.of("model.onnx", onnx));
        publishPlan("cls-trt-sm90", "9.0");
        publishPlan("cls-trt-sm89", "8.9");
    }

    @Test
    void theEngineIsFoundByNameAndRunsOnGpus() {
        var provider = Engines.provider("tensorrt");

        assertThat(provider).isInstanceOf(TensorRtEngineProvider.class);
        assertThat(provider.usesGpu()).isTrue();
        assertThat(provider.supports(ModelFormat.ONNX)).isTrue();
        assertThat(provider.supports(ModelFormat.TENSORRT_PLAN)).isTrue();
    }

    @Test
    void anOnnxModelRunsAsItsPlanForThisGpu() {
        ModelVersion onnx = store.resolve(ModelRef.parse("cls"));

        assertThat(TensorRtEngineProvider.planFor(onnx, new Target("10.15.1", "9.0")).ref()).isEqualTo(ModelRef.of("cls-trt-sm90", 1));
        assertThat(TensorRtEngineProvider.planFor(onnx, new Target("10.15.1", "8.9")).ref()).isEqualTo(ModelRef.of("cls-trt-sm89", 1));
    }

    @Test
    void aPlanNamedDirectlyMustFitThisGpu() {
        ModelVersion plan = store.resolve(ModelRef.parse("cls-trt-sm89"));

        assertThat(TensorRtEngineProvider.planFor(plan, new Target("10.15.1", "8.9"))).isSameAs(plan);
        assertThatThrownBy(() -> TensorRtEngineProvider.planFor(plan, new Target("10.15.1", "9.0")))
                .isInstanceOf(PlanSelector.PlanNotFoundException.class)
                .hasMessageContaining("cls-trt-sm89:1 was built for")
                .hasMessageContaining("sm 8.9")
                .hasMessageContaining("not for TensorRT 10.15.1 on sm 9.0")
                .hasMessageContaining("flink-inference setup tensorrt cls");
    }

    private void publishPlan(String name, String computeCapability) throws Exception {
        Path plan = Files.writeString(root.resolve(name + ".tmp"), "plan placeholder " + name);
        store.publish(Manifest.builder(name).format(ModelFormat.TENSORRT_PLAN).artifact("model.plan").inputs(List.of(X))
                .outputs(List.of(Y))
                .lineage(new Lineage("cls", 1, List.of("tensorrt-plan"), null,
                        Map.of(PlanSelector.TENSORRT_VERSION, "10.15.1", PlanSelector.COMPUTE_CAPABILITY, computeCapability)))
                .build(), Map.of("model.plan", plan));
    }
}
