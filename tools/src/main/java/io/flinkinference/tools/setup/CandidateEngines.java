package io.flinkinference.tools.setup;

import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.manifest.TensorSpec;
import io.flinkinference.operators.engine.EngineProvider;
import io.flinkinference.operators.engine.Engines;
import io.flinkinference.operators.engine.InferenceEngine;
import org.apache.flink.configuration.Configuration;

import java.util.List;

/**
 * The engine the setup job runs parents and candidates on, found through the engine SPI: ONNX
 * Runtime on the CPU, since candidates are ONNX and the gate must run on any machine.
 */
final class CandidateEngines {
    static final String ENGINE = "onnxruntime";

    private CandidateEngines() {}

    /** A published version, as jobs would load it on the CPU. */
    static InferenceEngine open(ModelVersion model) {
        return provider().open(model, options(), -1);
    }

    /** A model that is not in the store; see {@link EngineProvider#openCandidate}. */
    static InferenceEngine openCandidate(String description, byte[] model, List<TensorSpec> inputs, List<TensorSpec> outputs) {
        return provider().openCandidate(description, model, inputs, outputs, options());
    }

    private static EngineProvider provider() {
        return Engines.provider(ENGINE);
    }

    private static Configuration options() {
        return new Configuration();
    }
}
