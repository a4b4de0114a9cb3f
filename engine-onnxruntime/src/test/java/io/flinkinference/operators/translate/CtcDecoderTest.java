package io.flinkinference.operators.translate;

import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.samples.models.PaddleOcrModels;
import io.flinkinference.modelstore.manifest.DataType;
import io.flinkinference.testing.TestModels;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.operators.engine.Tensor;
import io.flinkinference.engine.onnxruntime.OnnxRuntimeEngineProvider;
import io.flinkinference.samples.TextLineImages;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

import java.awt.Font;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CtcDecoderTest {
    @Test
    void collapsesRepeatsAndDropsBlanks() {
        // T=6 steps over classes {blank, a, b, (space past the alphabet)}: a a _ a b space
        Tensor scores = Tensor.allocate(DataType.FLOAT32, 1, 6, 4);
        int[] best = {1, 1, 0, 1, 2, 3};
        for (int t = 0; t < best.length; t++) {
            scores.floats().put(t * 4 + best[t], 1f);
        }
        assertThat(new CtcDecoder(List.of("a", "b")).decode(scores, 0)).isEqualTo("aab ");
    }

    @Test
    void readsARenderedLineWithTheRealRecognizer() {
        ModelVersion model = TestModels.store().resolve(ModelRef.latest(PaddleOcrModels.RECOGNIZER));
        List<String> alphabet = model.readLines("ppocr_keys_v1.txt");
        ImagePreprocessor preprocessor = new ImagePreprocessor(model.manifest().preprocessing());
        Tensor input = preprocessor.batch(List.of(TextLineImages.render("Flink 2026", new Font(Font.SANS_SERIF, Font.PLAIN, 32))));

        try (InferenceEngine engine = new OnnxRuntimeEngineProvider().open(model, new Configuration(), -1)) {
            Tensor scores = engine.infer(Map.of("x", input)).get(model.manifest().postprocessing().output());
            assertThat(new CtcDecoder(alphabet).decode(scores, 0)).isEqualTo("Flink 2026");
        }
    }
}
