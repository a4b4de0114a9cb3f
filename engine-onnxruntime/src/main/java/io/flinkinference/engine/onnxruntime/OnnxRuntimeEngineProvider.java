package io.flinkinference.engine.onnxruntime;

import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.manifest.ModelFormat;
import io.flinkinference.modelstore.manifest.TensorSpec;
import io.flinkinference.operators.engine.ConcurrentBatches;
import io.flinkinference.operators.engine.EngineProvider;
import io.flinkinference.operators.engine.InferenceEngine;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;

import java.util.List;
import java.util.Set;

/** ONNX Runtime on the CPU: the embedded default engine. */
public final class OnnxRuntimeEngineProvider implements EngineProvider {
    public static final String NAME = "onnxruntime";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<ConfigOption<?>> options() {
        return OnnxRuntimeOptions.all();
    }

    @Override
    public boolean supports(ModelFormat format) {
        return format == ModelFormat.ONNX;
    }

    @Override
    public InferenceEngine open(ModelVersion model, ReadableConfig options, int device) {
        return OnnxRuntimeEngine.open(model, options, null);
    }

    /** Divides the cores among the batches that may run at once, unless the options set the threads. */
    @Override
    public InferenceEngine open(ModelVersion model, ReadableConfig options, int device, ConcurrentBatches concurrency) {
        return OnnxRuntimeEngine.open(model, options, concurrency);
    }

    /** ONNX Runtime returns every graph output, so a probe's extra outputs come back as declared. */
    @Override
    public InferenceEngine openCandidate(String description, byte[] model, List<TensorSpec> inputs,
            List<TensorSpec> outputs, ReadableConfig options) {
        return OnnxRuntimeEngine.fromBytes(description, model, inputs, outputs, options);
    }
}
