package io.flinkinference.tools.setup;

/**
 * The calibrated range of one activation tensor, and the per-tensor quantization parameters each
 * form takes from it: symmetric int8 around zero (zero point 0, as TensorRT requires), or uint8
 * over [low, high] with a zero point (ONNX Runtime's CPU kernels, whose u8 x s8 products are the
 * fast path on x86, where a one-sided range such as a hard-swish output would waste half of the
 * signed codes).
 */
record ActivationRange(float low, float high, float magnitude) {
    private static final float SMALLEST = 1e-6f;

    /**
     * {@code magnitude} is calibrated on its own (the percentile of |x| is not the larger of the
     * two tails' percentiles), so the symmetric form keeps the scale it always had. The range
     * always holds zero, so that zero (padding, ReLU's floor) is exactly representable.
     */
    ActivationRange {
        low = Math.min(low, 0f);
        high = Math.max(high, 0f);
        magnitude = Math.max(SMALLEST, magnitude);
    }

    float symmetricInt8Scale() {
        return magnitude / 127f;
    }

    float uint8Scale() {
        return Math.max(SMALLEST, high - low) / 255f;
    }

    /** The uint8 code of 0.0: rounded, so that zero maps onto a code exactly. */
    int uint8ZeroPoint() {
        return Math.max(0, Math.min(255, Math.round(-low / uint8Scale())));
    }
}
