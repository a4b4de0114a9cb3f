package io.flinkinference.operators.translate;

import io.flinkinference.modelstore.manifest.DataType;
import io.flinkinference.operators.engine.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The confidence half of {@link CtcDecoder}; its text is tested on the real recognizer in engine-onnxruntime. */
class CtcConfidenceTest {
    @Test
    void averagesTheScoresOfTheStepsThatGaveCharacters() {
        // Steps: a (0.9), a again (0.7, collapsed), blank (0.8), b (0.6). Classes: blank, a, b.
        Tensor scores = Tensor.allocate(DataType.FLOAT32, 1, 4, 3);
        scores.floats().put(new float[] {0.05f, 0.9f, 0.05f, 0.2f, 0.7f, 0.1f, 0.8f, 0.1f, 0.1f, 0.3f, 0.1f, 0.6f});

        CtcDecoder.Decoded line = new CtcDecoder(List.of("a", "b")).decodeWithConfidence(scores, 0);

        assertThat(line.text()).isEqualTo("ab");
        assertThat(line.confidence()).isCloseTo((0.9f + 0.6f) / 2, within(1e-6f));
    }

    @Test
    void aLineOfBlanksHasNoConfidence() {
        Tensor scores = Tensor.allocate(DataType.FLOAT32, 1, 2, 3);
        scores.floats().put(new float[] {0.9f, 0.05f, 0.05f, 0.8f, 0.1f, 0.1f});

        CtcDecoder.Decoded line = new CtcDecoder(List.of("a", "b")).decodeWithConfidence(scores, 0);

        assertThat(line.text()).isEmpty();
        assertThat(line.confidence()).isZero();
    }
}
