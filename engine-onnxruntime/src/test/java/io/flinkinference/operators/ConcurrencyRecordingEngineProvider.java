package io.flinkinference.operators;

import io.flinkinference.engine.onnxruntime.OnnxRuntimeEngine;
import io.flinkinference.engine.onnxruntime.OnnxRuntimeOptions;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.manifest.ModelFormat;
import io.flinkinference.operators.engine.ConcurrentBatches;
import io.flinkinference.operators.engine.EngineProvider;
import io.flinkinference.operators.engine.InferenceEngine;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A test engine ({@code concurrency-recording}): ONNX Runtime as the function opens it, noting the
 * {@link ConcurrentBatches} the function said it would run, so that a test sees what reaches the
 * engine that sizes ONNX Runtime's threads by it.
 */
public final class ConcurrencyRecordingEngineProvider implements EngineProvider {
    public static final String NAME = "concurrency-recording";

    /** What each open was told, in order (one open per JVM and model: engines are shared). */
    public static final List<ConcurrentBatches> OPENED = new CopyOnWriteArrayList<>();

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
        throw new AssertionError("the inference function opens engines with the batches it will run at once");
    }

    @Override
    public InferenceEngine open(ModelVersion model, ReadableConfig options, int device, ConcurrentBatches concurrency) {
        OPENED.add(concurrency);
        return OnnxRuntimeEngine.open(model, options, concurrency);
    }
}
