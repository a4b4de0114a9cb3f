package io.flinkinference.operators;

import io.flinkinference.engine.onnxruntime.OnnxRuntimeEngine;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.manifest.ModelFormat;
import io.flinkinference.modelstore.manifest.TensorSpec;
import io.flinkinference.operators.engine.BatchRange;
import io.flinkinference.operators.engine.EngineException;
import io.flinkinference.operators.engine.EngineProvider;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.operators.engine.Tensor;
import org.apache.flink.configuration.ReadableConfig;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A test engine ({@code two-gpu-test}) that claims to run on a GPU and to see two of them, so that
 * GPU assignment can be tested on machines without one; it runs the real model on ONNX Runtime and
 * ignores its device. Its batches wait at {@link #gate} until the test opens it, so that no subtask
 * finishes (and gives its device back) before every subtask has been given one.
 */
public final class TwoGpuTestEngineProvider implements EngineProvider {
    @Override
    public java.util.Set<org.apache.flink.configuration.ConfigOption<?>> options() {
        return java.util.Set.of();
    }

    public static final String NAME = "two-gpu-test";

    /** The devices engines were opened for, in order (one open per device: engines are shared). */
    public static final List<Integer> OPENED_DEVICES = new CopyOnWriteArrayList<>();

    /** Opened by the test once every subtask holds its device. */
    public static volatile CountDownLatch gate = new CountDownLatch(0);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean supports(ModelFormat format) {
        return format == ModelFormat.ONNX;
    }

    @Override
    public boolean usesGpu() {
        return true;
    }

    @Override
    public int visibleGpus() {
        return 2;
    }

    @Override
    public InferenceEngine open(ModelVersion model, ReadableConfig options, int device) {
        OPENED_DEVICES.add(device);
        return new GatedEngine(OnnxRuntimeEngine.open(model, options));
    }

    private record GatedEngine(OnnxRuntimeEngine onnx) implements InferenceEngine {
        @Override
        public String engineName() {
            return NAME;
        }

        @Override
        public List<TensorSpec> inputs() {
            return onnx.inputs();
        }

        @Override
        public List<TensorSpec> outputs() {
            return onnx.outputs();
        }

        @Override
        public BatchRange batchRange() {
            return onnx.batchRange();
        }

        @Override
        public Map<String, Tensor> infer(Map<String, Tensor> inputs) {
            try {
                if (!gate.await(2, TimeUnit.MINUTES)) {
                    throw new EngineException("The test never opened the gate: not every subtask got a device.");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EngineException("Interrupted at the test gate", e);
            }
            return onnx.infer(inputs);
        }

        @Override
        public void close() {
            onnx.close();
        }
    }
}
