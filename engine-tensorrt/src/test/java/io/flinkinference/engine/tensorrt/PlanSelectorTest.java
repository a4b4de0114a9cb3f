package io.flinkinference.engine.tensorrt;

import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.manifest.DataType;
import io.flinkinference.modelstore.manifest.Lineage;
import io.flinkinference.modelstore.manifest.Manifest;
import io.flinkinference.modelstore.manifest.ModelFormat;
import io.flinkinference.modelstore.manifest.TensorSpec;
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
 * Plan selection reads manifests only, so these plans are placeholder bytes: what is tested is
 * which version the selector picks and what it says when none fits.
 */
class PlanSelectorTest {
    @TempDir
    Path root;

    private ModelStore store;

    @BeforeEach
    void publishPlans() throws Exception {
        store = ModelStore.open(root.toUri());
        publish("cls-trt-sm90", "cls", 1, "10.15.1", "9.0");
        publish("cls-trt-sm90", "cls", 2, "10.15.1", "9.0");
        publish("cls-trt-sm86", "cls", 2, "10.15.1", "8.6");
        publish("cls-trt-sm90-old", "cls", 2, "10.14.0", "9.0");
        publish("other-trt-sm90", "other", 1, "10.15.1", "9.0");
    }

    @Test
    void picksThePlanBuiltFromTheNewestParentForThisTensorRtAndGpu() {
        var plan = PlanSelector.select(store, ModelRef.latest("cls"), new Target("10.15.1", "9.0"));

        assertThat(plan.ref()).isEqualTo(ModelRef.of("cls-trt-sm90", 2));
        assertThat(plan.manifest().lineage().parentVersion()).isEqualTo(2);
    }

    @Test
    void aPinnedParentOnlyTakesPlansBuiltFromIt() {
        var plan = PlanSelector.select(store, ModelRef.of("cls", 1), new Target("10.15.1", "9.0"));

        assertThat(plan.ref()).isEqualTo(ModelRef.of("cls-trt-sm90", 1));
    }

    @Test
    void refusesAMismatchNamingWhatExistsAndHowToBuildIt() {
        assertThatThrownBy(() -> PlanSelector.select(store, ModelRef.latest("cls"), new Target("10.15.1", "8.9")))
                .isInstanceOf(PlanSelector.PlanNotFoundException.class)
                .hasMessageContaining("No TensorRT plan of cls:latest for TensorRT 10.15.1 on sm 8.9")
                .hasMessageContaining("cls-trt-sm86:1 (TensorRT 10.15.1, sm 8.6)")
                .hasMessageContaining("cls-trt-sm90-old:1 (TensorRT 10.14.0, sm 9.0)")
                .hasMessageContaining("flink-inference setup tensorrt cls");
        assertThatThrownBy(() -> PlanSelector.select(store, ModelRef.latest("mobilenet"), new Target("10.15.1", "9.0")))
                .hasMessageContaining("it holds none of that model");
    }

    private void publish(String name, String parent, int parentVersion, String tensorRt, String computeCapability) throws Exception {
        Path plan = Files.createTempFile(root, "plan", ".bin");
        Files.writeString(plan, "placeholder for " + name);
        TensorSpec x = new TensorSpec("x", DataType.FLOAT32, List.of(-1L, 3L, 48L, 192L), null);
        TensorSpec y = new TensorSpec("y", DataType.FLOAT32, List.of(-1L, 2L), null);
        store.publish(Manifest.builder(name).format(ModelFormat.TENSORRT_PLAN).artifact("model.plan")
                .inputs(List.of(x)).outputs(List.of(y))
                .lineage(new Lineage(parent, parentVersion, List.of("tensorrt-plan"), null,
                        Map.of(PlanSelector.TENSORRT_VERSION, tensorRt, PlanSelector.COMPUTE_CAPABILITY, computeCapability)))
                .build(), Map.of("model.plan", plan));
    }
}
