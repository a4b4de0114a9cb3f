package io.flinkinference.engine.tensorrt.plan;

import io.flinkinference.engine.tensorrt.TensorRtEngineProvider;
import io.flinkinference.testing.TestModels;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What the plan compiler decides without TensorRT: the profile's fixed dimensions, and that it is offered. */
class TensorRtCompilerTest {
    @Test
    void fixesTheProfileDimensionsFromThePreprocessingSize() {
        var manifest = TestModels.classifier().manifest();

        assertThat(TensorRtCompiler.fixedDims(manifest)).containsOnlyKeys("x");
        assertThat(TensorRtCompiler.fixedDims(manifest).get("x")).containsExactly(3, 48, 192);
    }

    @Test
    void theTensorRtEngineOffersItsCompilerThroughTheSpi() {
        assertThat(new TensorRtEngineProvider().compiler()).containsInstanceOf(TensorRtCompiler.class);
    }
}
