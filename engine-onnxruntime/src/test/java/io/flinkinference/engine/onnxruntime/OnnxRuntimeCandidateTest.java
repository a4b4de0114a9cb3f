package io.flinkinference.engine.onnxruntime;

import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.manifest.DataType;
import io.flinkinference.operators.engine.Engines;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.operators.engine.Tensor;
import io.flinkinference.testing.TestModels;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A model from bytes through the SPI, as the setup job's gate loads its candidates. */
class OnnxRuntimeCandidateTest {
    @Test
    void runsACandidateFromBytesLikeThePublishedModel() {
        ModelVersion model = TestModels.classifier();
        try (InferenceEngine published = Engines.provider("onnxruntime").open(model, new Configuration(), -1);
                InferenceEngine candidate = Engines.provider("onnxruntime").openCandidate("the classifier's bytes",
                        model.readModel(), model.manifest().inputs(), model.manifest().outputs(), new Configuration())) {
            Tensor input = Tensor.allocate(DataType.FLOAT32, 2, 3, 48, 192);
            var values = input.floats();
            for (int i = 0; i < values.capacity(); i++) {
                values.put(i, (i % 97) / 97f);
            }
            String output = model.manifest().outputs().get(0).name();

            float[] expected = floats(published.infer(Map.of("x", input)).get(output));
            float[] actual = floats(candidate.infer(Map.of("x", input)).get(output));

            assertThat(candidate.outputs()).isEqualTo(model.manifest().outputs());
            assertThat(actual).containsExactly(expected);
        }
    }

    private static float[] floats(Tensor tensor) {
        float[] values = new float[(int) tensor.elementCount()];
        tensor.floats().get(values);
        return values;
    }
}
