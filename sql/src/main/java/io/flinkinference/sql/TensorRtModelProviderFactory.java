package io.flinkinference.sql;

/** {@code 'provider' = 'tensorrt'}: the model's TensorRT plan, on the TaskManagers' GPUs. */
public final class TensorRtModelProviderFactory extends InferenceModelProviderFactory {
    @Override
    String engine() {
        return "tensorrt";
    }
}
