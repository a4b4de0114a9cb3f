package io.flinkinference.operators.ocr;

import io.flinkinference.operators.batching.BatchInput;
import io.flinkinference.operators.batching.BatchRow;
import io.flinkinference.operators.batching.TensorBatchifier;
import io.flinkinference.operators.engine.Tensor;
import io.flinkinference.samples.TextLineImages;
import io.flinkinference.samples.models.PaddleOcrModels;
import io.flinkinference.testing.TestModels;
import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.engine.onnxruntime.OnnxRuntimeEngine;
import io.flinkinference.operators.engine.InferenceEngine;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The orientation classifier's translator on the real ppocr-cls: one padded shape for every crop, upside-down crops turned. */
class OrientationTranslatorTest {
    private static final OrientationTranslator TRANSLATOR = new OrientationTranslator();
    private static OcrTranslatorHarness harness;

    @BeforeAll
    static void open() throws Exception {
        harness = OcrTranslatorHarness.open(PaddleOcrModels.CLASSIFIER, TRANSLATOR);
    }

    @AfterAll
    static void close() {
        harness.close();
    }

    @Test
    void cropsOfEveryWidthArePaddedToOneShapeAndShareABucket() {
        TextLineImages lines = new TextLineImages(11);
        LineCrop narrow = OcrTranslatorHarness.crop("a", 0, 1, TextLineImages.render("tax", new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 30)));
        LineCrop wide = OcrTranslatorHarness.crop("b", 0, 1, lines.sample(false).image());

        Tensor narrowTensor = OcrTranslatorHarness.tensorOf(TRANSLATOR.preprocess(narrow));
        Tensor wideTensor = OcrTranslatorHarness.tensorOf(TRANSLATOR.preprocess(wide));

        assertThat(narrowTensor.shape()).containsExactly(1, 3, 48, 192);
        assertThat(wideTensor.shape()).containsExactly(1, 3, 48, 192);
        assertThat(key(TRANSLATOR.preprocess(narrow))).isEqualTo(key(TRANSLATOR.preprocess(wide)));
        // The narrow word fills less than the width: the right-most column is padding, zeros after normalization.
        float[] values = new float[(int) narrowTensor.elementCount()];
        narrowTensor.floats().get(values);
        for (int channel = 0; channel < 3; channel++) {
            for (int y = 0; y < 48; y++) {
                assertThat(values[(channel * 48 + y) * 192 + 191]).isZero();
            }
        }
    }

    @Test
    void inOneBatchUpsideDownCropsAreTurnedAroundAndUprightOnesPassUnchanged() throws Exception {
        TextLineImages lines = new TextLineImages(23);
        List<TextLineImages.Sample> samples = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            samples.add(lines.sample(i % 2 == 1));
        }
        List<LineCrop> crops = new ArrayList<>();
        List<BatchInput<?>> inputs = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            LineCrop crop = OcrTranslatorHarness.crop("page", i, samples.size(), samples.get(i).image());
            crops.add(crop);
            inputs.add(TRANSLATOR.preprocess(crop));
        }

        List<BatchRow> rows = harness.runAsOneBatch(inputs);

        for (int i = 0; i < crops.size(); i++) {
            LineCrop out = TRANSLATOR.postprocess(crops.get(i), rows.get(i));
            assertThat(out.lineIndex()).isEqualTo(i);
            if (samples.get(i).rotated()) {
                LineCrop turned = OcrTranslatorHarness.crop("page", i, samples.size(), TextLineCrop.turnedAround(crops.get(i).image()));
                assertThat(out.rgb()).as("line " + i + " (upside down) turned around").isEqualTo(turned.rgb());
            } else {
                assertThat(out).as("line " + i + " (upright) unchanged").isSameAs(crops.get(i));
            }
        }
    }

    @Test
    void aModelWithoutLabelsOrANonProbabilityThresholdIsRefused() throws Exception {
        var recognizer = TestModels.store().resolve(ModelRef.latest(PaddleOcrModels.RECOGNIZER));
        try (InferenceEngine engine = OnnxRuntimeEngine.open(recognizer, new Configuration())) {
            assertThatThrownBy(() -> new OrientationTranslator().open(recognizer, engine))
                    .hasMessageContaining("needs preprocessing and a labels file");
        }
        assertThatThrownBy(() -> new OrientationTranslator(1.5f)).hasMessageContaining("probability");
    }

    @SuppressWarnings("unchecked")
    private static Object key(BatchInput<?> input) {
        return TensorBatchifier.INSTANCE.bucketKey((Map<String, Tensor>) input.record());
    }
}
