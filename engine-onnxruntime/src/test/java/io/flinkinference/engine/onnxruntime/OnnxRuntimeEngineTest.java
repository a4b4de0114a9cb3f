package io.flinkinference.engine.onnxruntime;

import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.samples.models.PaddleOcrModels;
import io.flinkinference.modelstore.manifest.DataType;
import io.flinkinference.testing.TestModels;
import io.flinkinference.operators.engine.BatchRange;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.operators.engine.InvalidInputException;
import io.flinkinference.operators.engine.Tensor;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OnnxRuntimeEngineTest {
    private static InferenceEngine engine;

    @BeforeAll
    static void open() {
        Configuration options = new Configuration();
        options.set(OnnxRuntimeOptions.INTRA_OP_THREADS, 1);
        options.set(OnnxRuntimeOptions.OPTIMIZATION_LEVEL, OnnxRuntimeOptions.OptimizationLevel.BASIC);
        engine = new OnnxRuntimeEngineProvider().open(TestModels.classifier(), options, -1);
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    @Test
    void declaresTheManifestsTensorsAndADynamicBatch() {
        assertThat(engine.engineName()).isEqualTo("onnxruntime");
        assertThat(engine.inputs()).singleElement().satisfies(x -> assertThat(x.name()).isEqualTo("x"));
        assertThat(engine.batchRange()).isEqualTo(BatchRange.ANY);
    }

    @Test
    void runsBatchesOfAnySizeAndReturnsProbabilities() {
        for (int batch : new int[] {1, 3, 17}) {
            Tensor input = Tensor.allocate(DataType.FLOAT32, batch, 3, 48, 192);
            FloatBuffer values = input.floats();
            for (int i = 0; i < values.capacity(); i++) {
                values.put(i, (i % 7) / 7f - 0.5f);
            }
            Tensor out = engine.infer(Map.of("x", input)).values().iterator().next();
            assertThat(out.shape()).containsExactly(batch, 2);
            FloatBuffer probabilities = out.floats();
            for (int row = 0; row < batch; row++) {
                assertThat(probabilities.get(2 * row) + probabilities.get(2 * row + 1)).isCloseTo(1f,
                        org.assertj.core.data.Offset.offset(1e-4f));
            }
        }
    }

    @Test
    void rejectsAWrongInputNameBeforeTheRuntimeSeesIt() {
        assertThatThrownBy(() -> engine.infer(Map.of("image", Tensor.allocate(DataType.FLOAT32, 1, 3, 48, 192))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("given [image], the model declares [x]")
                .hasMessageContaining("unknown [image]")
                .hasMessageContaining("missing [x]");
    }

    @Test
    void rejectsAWrongDtype() {
        assertThatThrownBy(() -> engine.infer(Map.of("x", Tensor.allocate(DataType.UINT8, 1, 3, 48, 192))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("Input 'x' is uint8; the model declares float32.");
    }

    @Test
    void rejectsAWrongShape() {
        assertThatThrownBy(() -> engine.infer(Map.of("x", Tensor.allocate(DataType.FLOAT32, 1, 4, 48, 192))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("Input 'x' has shape [1, 4, 48, 192]")
                .hasMessageContaining("dimension 1 must be 3");
        assertThatThrownBy(() -> engine.infer(Map.of("x", Tensor.allocate(DataType.FLOAT32, 1, 3, 48))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("(rank 3)")
                .hasMessageContaining("(rank 4)");
    }

    @Test
    void loadsTheRecognizerWithItsLargeAlphabetOutput() throws Exception {
        ModelVersion rec = TestModels.store().resolve(ModelRef.latest(PaddleOcrModels.RECOGNIZER));
        try (InferenceEngine recognizer = new OnnxRuntimeEngineProvider().open(rec, new Configuration(), -1)) {
            assertThat(recognizer.outputs().get(0).shape()).endsWith(6625L);
        }
    }
}
