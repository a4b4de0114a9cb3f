package io.flinkinference.operators.translate;

import io.flinkinference.engine.onnxruntime.OnnxRuntimeEngine;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.operators.CpuImageDecodingEngineProvider;
import io.flinkinference.operators.InferenceRequest;
import io.flinkinference.operators.batching.BatchInput;
import io.flinkinference.operators.batching.EncodedImageBatchifier;
import io.flinkinference.operators.batching.TensorBatchifier;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.operators.engine.Tensor;
import io.flinkinference.testing.TestModels;
import io.flinkinference.testing.TestRequests;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The translator picks how records batch from what the engine declares: an engine that decodes
 * images gets the request's encoded bytes as they are (no copy), others get preprocessed tensors;
 * tensor requests are tensors either way.
 */
class ManifestTranslatorBatchifierTest {
    @Test
    void anEngineThatDecodesImagesGetsTheRequestsOwnBytes() throws Exception {
        ModelVersion model = TestModels.classifier();
        InferenceRequest image = TestRequests.textLine(3);
        try (InferenceEngine engine = new CpuImageDecodingEngineProvider().open(model, new Configuration(), 0)) {
            ManifestTranslator translator = new ManifestTranslator();
            translator.open(model, engine);

            BatchInput<?> input = translator.preprocess(image);

            assertThat(input.batchifier()).isSameAs(EncodedImageBatchifier.INSTANCE);
            assertThat(input.record()).as("the payload itself, not a copy").isSameAs(image.payload());
            assertThat(translator.preprocess(TestRequests.tensor("t", 96)).batchifier()).isSameAs(TensorBatchifier.INSTANCE);
        }
    }

    @Test
    void anEngineThatTakesTensorsGetsPreprocessedImages() throws Exception {
        ModelVersion model = TestModels.classifier();
        try (InferenceEngine engine = OnnxRuntimeEngine.open(model, new Configuration())) {
            ManifestTranslator translator = new ManifestTranslator();
            translator.open(model, engine);

            BatchInput<?> input = translator.preprocess(TestRequests.textLine(3));

            assertThat(input.batchifier()).isSameAs(TensorBatchifier.INSTANCE);
            @SuppressWarnings("unchecked")
            Map<String, Tensor> tensors = (Map<String, Tensor>) input.record();
            assertThat(tensors.get(model.manifest().inputs().get(0).name()).shape()).containsExactly(1, 3, 48, 192);
        }
    }
}
