package io.flinkinference.engine.tensorrt.plan;

import io.flinkinference.operators.engine.ModelCompiler.Precision;

/**
 * How the network handed to TensorRT's builder is typed, from the precision asked for and the
 * model's own. A strongly typed network runs every layer in the type the ONNX file gives it, which
 * is what FP32 and INT8 QDQ models want, but it can never give FP16 from FP32 weights. FP16 needs
 * a weakly typed network with the {@code kFP16} flag (measured on the H200 with TensorRT 10.6:
 * ppocr-cls 256/256 top-1 against ONNX Runtime, 1.5x the FP32 plan's throughput at batch 1024); a
 * QDQ model built that way also needs {@code kINT8}, or its quantized layers fall back to float.
 */
public record PlanTyping(boolean stronglyTyped, boolean fp16, boolean int8) {

    public static PlanTyping of(Precision precision, String modelPrecision) {
        if (precision == Precision.AS_MODEL) {
            return new PlanTyping(true, false, false);
        }
        return new PlanTyping(false, true, "int8".equals(modelPrecision));
    }

    /** The published plan's name: {@code <model>[-fp16]-trt-sm<cc>}, so that FP32 and FP16 plans of one model live side by side. */
    public static String planName(String model, Precision precision, int major, int minor) {
        return model + (precision == Precision.FP16 ? "-fp16" : "") + "-trt-sm" + major + minor;
    }

    /** In words, for the build's progress lines. */
    public String describe() {
        if (stronglyTyped) {
            return "strongly typed (precisions from the ONNX file)";
        }
        return "weakly typed, FP16" + (int8 ? " and INT8 (QDQ)" : "") + " allowed";
    }
}
