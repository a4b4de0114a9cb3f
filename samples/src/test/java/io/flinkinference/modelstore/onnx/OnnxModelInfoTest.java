package io.flinkinference.modelstore.onnx;

import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.samples.models.PaddleOcrModels;
import io.flinkinference.modelstore.manifest.DataType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OnnxModelInfoTest {
    @Test
    void describesTheRealClassifier() throws IOException {
        ModelStore store = ModelStore.open(System.getProperty("flinkinference.test.store", "target/test-model-store"));
        PaddleOcrModels.fetchInto(store, line -> { });
        byte[] onnx = store.resolve(ModelRef.latest(PaddleOcrModels.CLASSIFIER)).readModel();

        OnnxModelInfo info = OnnxModelInfo.parse(onnx, "ppocr-cls");

        assertThat(info.opset()).isEqualTo(9);
        assertThat(info.inputs()).singleElement().satisfies(x -> {
            assertThat(x.dtype()).isEqualTo(DataType.FLOAT32);
            assertThat(x.shape()).containsExactly(-1L, 3L, -1L, -1L);
            assertThat(x.dimNames().get(0)).isNotNull();
        });
        assertThat(info.outputs()).singleElement().satisfies(y -> assertThat(y.shape()).containsExactly(-1L, 2L));
        assertThat(info.operatorHistogram()).containsKeys("Conv", "MatMul", "Softmax");
        assertThat(info.operatorHistogram().get("Conv")).isEqualTo(53);
        // The weights live in Constant nodes; a 579 KB float32 file holds roughly 140 thousand of them.
        assertThat(info.parameterCount()).isBetween(100_000L, 145_000L);
        assertThat(info.sizeBytes()).isEqualTo(onnx.length);
    }

    @Test
    void refusesATruncatedFile() throws IOException {
        ModelStore store = ModelStore.open(System.getProperty("flinkinference.test.store", "target/test-model-store"));
        PaddleOcrModels.fetchInto(store, line -> { });
        byte[] onnx = store.resolve(ModelRef.latest(PaddleOcrModels.CLASSIFIER)).readModel();

        assertThatThrownBy(() -> OnnxModelInfo.parse(Arrays.copyOf(onnx, onnx.length / 2), "half.onnx"))
                .isInstanceOf(OnnxModelInfo.InvalidOnnxModelException.class)
                .hasMessageContaining("half.onnx is not a readable ONNX model");
    }
}
