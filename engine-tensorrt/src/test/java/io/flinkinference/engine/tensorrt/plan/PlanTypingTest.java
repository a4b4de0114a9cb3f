package io.flinkinference.engine.tensorrt.plan;

import io.flinkinference.operators.engine.ModelCompiler.Precision;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which network and flags a plan is built with, and what it is published as: the decision that a
 * strongly typed network cannot give FP16 from FP32 weights (measured on the H200 with TensorRT 10.6).
 */
class PlanTypingTest {

    @Test
    void asTheModelSaysIsStronglyTypedWithNoPrecisionFlags() {
        assertThat(PlanTyping.of(Precision.AS_MODEL, "fp32")).isEqualTo(new PlanTyping(true, false, false));
        assertThat(PlanTyping.of(Precision.AS_MODEL, "int8")).isEqualTo(new PlanTyping(true, false, false));
    }

    @Test
    void fp16IsWeaklyTypedAndAQdqModelKeepsItsInt8Layers() {
        assertThat(PlanTyping.of(Precision.FP16, "fp32")).isEqualTo(new PlanTyping(false, true, false));
        assertThat(PlanTyping.of(Precision.FP16, "int8")).isEqualTo(new PlanTyping(false, true, true));
    }

    @Test
    void fp32AndFp16PlansOfOneModelHaveTheirOwnNames() {
        assertThat(PlanTyping.planName("resnet50", Precision.AS_MODEL, 9, 0)).isEqualTo("resnet50-trt-sm90");
        assertThat(PlanTyping.planName("resnet50", Precision.FP16, 9, 0)).isEqualTo("resnet50-fp16-trt-sm90");
        assertThat(PlanTyping.planName("resnet50-int8-tensorrt", Precision.FP16, 8, 9))
                .isEqualTo("resnet50-int8-tensorrt-fp16-trt-sm89");
    }

    @Test
    void aPlanIsPublishedWithThePrecisionItMayRunIn() {
        assertThat(Precision.AS_MODEL.publishedAs("fp32")).isEqualTo("fp32");
        assertThat(Precision.FP16.publishedAs("fp32")).isEqualTo("fp16");
        assertThat(Precision.FP16.publishedAs("int8")).isEqualTo("int8");
    }
}
