package io.flinkinference.engine.tensorrt.check;

import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.manifest.ModelFormat;
import io.flinkinference.operators.engine.ModelCompiler;
import io.flinkinference.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * gpu-check's step 4 publishes the plan it built into a scratch store before running it. On the
 * H200 that step once failed after a successful build, because the plan's manifest named the
 * model's labels file without the version holding it; this runs the publishing without a GPU.
 */
class TensorRtCheckPublishTest {
    @TempDir
    Path scratch;

    @Test
    void thePlanIsPublishedWithTheFilesItsPostprocessingNames() throws Exception {
        ModelVersion model = TestModels.classifier();
        ModelCompiler.Compiled compiled = new ModelCompiler.Compiled("ppocr-cls-trt-sm90", ModelFormat.TENSORRT_PLAN,
                "model.plan", "tensorrt-plan", "not a real plan".getBytes(StandardCharsets.UTF_8),
                Map.of("tensorrt.version", "10.6.0"), "test");

        ModelVersion plan = TensorRtCheck.publish(ModelStore.open(scratch.toUri()), model, compiled);

        assertThat(ModelStore.open(scratch.toUri()).resolve(ModelRef.parse("ppocr-cls-trt-sm90")).ref())
                .isEqualTo(plan.ref());
        String labels = model.manifest().postprocessing().labelsFile();
        assertThat(plan.readLines(labels)).isEqualTo(model.readLines(labels));
        assertThat(new String(plan.readModel(), StandardCharsets.UTF_8)).isEqualTo("not a real plan");
        assertThat(plan.manifest().lineage().parentName()).isEqualTo(model.manifest().name());
    }
}
