package io.flinkinference.sql;

/** {@code 'provider' = 'onnxruntime'}: the model on ONNX Runtime, on the TaskManagers' CPUs. */
public final class OnnxRuntimeModelProviderFactory extends InferenceModelProviderFactory {
    @Override
    String engine() {
        return "onnxruntime";
    }
}
