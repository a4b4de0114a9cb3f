package io.flinkinference.operators.ocr;

import io.flinkinference.operators.engine.BatchRange;
import io.flinkinference.operators.engine.EngineCapability;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.operators.engine.Tensor;
import io.flinkinference.modelstore.manifest.TensorSpec;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A real engine that also remembers, for each batch it ran, the width of the batch's input (the
 * last dimension), keyed by the identity of the batch's output tensor: every row of a batch shares
 * that tensor, so a test can tell the width its row was padded to.
 */
final class InputWidthRecordingEngine implements InferenceEngine {
    private final InferenceEngine engine;
    private final Map<Tensor, Long> inputWidthByOutput = new IdentityHashMap<>();

    InputWidthRecordingEngine(InferenceEngine engine) {
        this.engine = engine;
    }

    synchronized long inputWidthOfBatchWith(Tensor output) {
        Long width = inputWidthByOutput.get(output);
        if (width == null) {
            throw new IllegalArgumentException("No batch of this engine gave " + output);
        }
        return width;
    }

    @Override
    public Map<String, Tensor> infer(Map<String, Tensor> inputs) {
        Tensor input = inputs.values().iterator().next();
        Map<String, Tensor> outputs = engine.infer(inputs);
        synchronized (this) {
            outputs.values().forEach(output -> inputWidthByOutput.put(output, input.dim(input.rank() - 1)));
        }
        return outputs;
    }

    @Override
    public String engineName() {
        return engine.engineName();
    }

    @Override
    public List<TensorSpec> inputs() {
        return engine.inputs();
    }

    @Override
    public List<TensorSpec> outputs() {
        return engine.outputs();
    }

    @Override
    public Set<EngineCapability> capabilities() {
        return engine.capabilities();
    }

    @Override
    public BatchRange batchRange() {
        return engine.batchRange();
    }

    @Override
    public void close() {
        // the harness owns the engine
    }
}
