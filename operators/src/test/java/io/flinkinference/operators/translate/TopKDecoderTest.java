package io.flinkinference.operators.translate;

import io.flinkinference.modelstore.manifest.DataType;
import io.flinkinference.operators.engine.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TopKDecoderTest {
    @Test
    void picksTheBestClassesOfEachRowBestFirst() {
        Tensor scores = Tensor.allocate(DataType.FLOAT32, 2, 5);
        scores.floats().put(new float[] {0.1f, 0.5f, 0.05f, 0.3f, 0.05f, 0.9f, 0f, 0.02f, 0.03f, 0.05f});
        TopKDecoder decoder = new TopKDecoder(List.of("a", "b", "c", "d", "e"), 3);

        assertThat(decoder.decode(scores, 0)).extracting(TopKDecoder.Prediction::label).containsExactly("b", "d", "a");
        assertThat(decoder.decode(scores, 1)).extracting(TopKDecoder.Prediction::label).containsExactly("a", "e", "d");
        assertThat(decoder.decode(scores, 1).get(0).score()).isEqualTo(0.9f);
    }

    @Test
    void refusesLabelsThatDoNotMatchTheOutput() {
        Tensor scores = Tensor.allocate(DataType.FLOAT32, 1, 3);
        assertThatThrownBy(() -> new TopKDecoder(List.of("a", "b"), 1).decode(scores, 0))
                .hasMessageContaining("3 classes but its labels file has 2 lines");
    }
}
