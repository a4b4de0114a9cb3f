package io.flinkinference.operators.ocr;

import io.flinkinference.engine.onnxruntime.OnnxRuntimeEngine;
import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.operators.batching.BatchInput;
import io.flinkinference.operators.batching.BatchListener;
import io.flinkinference.operators.batching.BatchRow;
import io.flinkinference.operators.batching.BatchingConfig;
import io.flinkinference.operators.batching.DynamicBatcher;
import io.flinkinference.operators.batching.ManualBatchClock;
import io.flinkinference.operators.batching.TensorBatchifier;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.operators.engine.Tensor;
import io.flinkinference.samples.TextLineImages;
import io.flinkinference.samples.models.PaddleOcrModels;
import io.flinkinference.testing.TestModels;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.awt.Font;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The recognizer's translator on the real ppocr-rec: width buckets, right padding, each row its own text. */
class RecognitionTranslatorTest {
    private static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 30);
    private static final RecognitionTranslator TRANSLATOR = new RecognitionTranslator();
    private static OcrTranslatorHarness harness;

    @BeforeAll
    static void open() throws Exception {
        harness = OcrTranslatorHarness.open(PaddleOcrModels.RECOGNIZER, TRANSLATOR);
    }

    @AfterAll
    static void close() {
        harness.close();
    }

    @Test
    void aCropIsScaledToHeight48AndPaddedOnTheRightToItsWidthBucket() {
        LineCrop crop = OcrTranslatorHarness.crop("p", 0, 1, TextLineImages.render("invoice total", FONT));
        WidthBuckets buckets = WidthBuckets.defaults();
        int width = buckets.resizedWidth(crop.height(), crop.width());
        int bucket = buckets.bucketFor(width);

        Tensor tensor = OcrTranslatorHarness.tensorOf(TRANSLATOR.preprocess(crop));

        assertThat(tensor.shape()).containsExactly(1, 3, 48, bucket);
        assertThat(bucket).as("this crop needs padding").isGreaterThan(width);
        float[] values = new float[(int) tensor.elementCount()];
        tensor.floats().get(values);
        for (int channel = 0; channel < 3; channel++) {
            for (int y = 0; y < 48; y++) {
                for (int x = width; x < bucket; x++) {
                    assertThat(values[(channel * 48 + y) * bucket + x]).as("padding at x=" + x).isZero();
                }
                // The page's white inside the crop is not zero once normalized: padding is told apart from the crop.
                assertThat(values[(channel * 48 + y) * bucket]).isNotZero();
            }
        }
    }

    @Test
    void cropsOfDifferentWidthBucketsNeverShareABatch() {
        LineCrop shortLine = OcrTranslatorHarness.crop("p", 0, 2, TextLineImages.render("tax", FONT));
        LineCrop longLine = OcrTranslatorHarness.crop("p", 1, 2, TextLineImages.render("shipping address customer number", FONT));

        assertThat(key(TRANSLATOR.preprocess(shortLine))).isNotEqualTo(key(TRANSLATOR.preprocess(longLine)));
        assertThat(key(TRANSLATOR.preprocess(shortLine)))
                .isEqualTo(key(TRANSLATOR.preprocess(OcrTranslatorHarness.crop("q", 0, 1, TextLineImages.render("due", FONT)))));
    }

    @Test
    void eachRowOfABatchIsDecodedToItsOwnText() throws Exception {
        // Twelve characters each in a monospaced font: crops of one width, so one bucket and one batch.
        Font monospaced = new Font(Font.MONOSPACED, Font.PLAIN, 30);
        List<String> texts = List.of("total amount", "order number", "date address", "paid balance");
        List<LineCrop> crops = new ArrayList<>();
        List<BatchInput<?>> inputs = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            LineCrop crop = OcrTranslatorHarness.crop("page", i, texts.size(), TextLineImages.render(texts.get(i), monospaced));
            crops.add(crop);
            inputs.add(TRANSLATOR.preprocess(crop));
        }
        assertThat(inputs).extracting(RecognitionTranslatorTest::key).as("one bucket, so one batch").containsOnly(key(inputs.get(0)));

        List<BatchRow> rows = harness.runAsOneBatch(inputs);

        for (int i = 0; i < texts.size(); i++) {
            RecognizedLine line = TRANSLATOR.postprocess(crops.get(i), rows.get(i));
            assertThat(line.lineIndex()).isEqualTo(i);
            // The recognizer may leave out the space between words (OcrJobTest); the letters must be this row's.
            assertThat(line.text().replace(" ", "")).as("row " + i).isEqualTo(texts.get(i).replace(" ", ""));
            assertThat(line.confidence()).isBetween(0.5f, 1f);
        }
    }

    @Test
    void noCropIsPaddedToMoreThanTwiceItsOwnWidthInTheBatchesFormed() throws Exception {
        // 60 lines of 1 to 7 words in fonts of 22 to 38 points: widths from a few characters to a whole row.
        String[] words = {"tax", "invoice", "total", "order", "shipping", "address", "customer", "date", "paid", "balance"};
        Random random = new Random(12);
        InputWidthRecordingEngine recording = new InputWidthRecordingEngine(harness.engine);
        ManualBatchClock clock = new ManualBatchClock();
        List<LineCrop> crops = new ArrayList<>();
        List<CompletableFuture<BatchRow>> rows = new ArrayList<>();
        try (DynamicBatcher batcher = new DynamicBatcher("rec-buckets", recording,
                // Work-conserving off: buckets fill by the clock, not by how fast the engine picks up records.
                new BatchingConfig(8, 1_000, null, 1, false), clock);
                DynamicBatcher.Member member = batcher.join(BatchListener.NONE)) {
            for (int i = 0; i < 60; i++) {
                StringBuilder text = new StringBuilder(words[random.nextInt(words.length)]);
                for (int w = random.nextInt(7); w > 0; w--) {
                    text.append(' ').append(words[random.nextInt(words.length)]);
                }
                Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 22 + random.nextInt(17));
                LineCrop crop = OcrTranslatorHarness.crop("page", i, 60, TextLineImages.render(text.toString(), font));
                crops.add(crop);
                rows.add(member.submit(TRANSLATOR.preprocess(crop)));
            }
            clock.advance(Duration.ofMillis(1)); // past the queue delay: what is left of each bucket runs too
            for (CompletableFuture<BatchRow> row : rows) {
                row.get(60, TimeUnit.SECONDS);
            }
        }

        WidthBuckets buckets = WidthBuckets.defaults();
        String output = harness.engine.outputs().get(0).name();
        Set<Long> batchWidths = new HashSet<>();
        int sharedBatches = 0;
        for (int i = 0; i < crops.size(); i++) {
            BatchRow row = rows.get(i).get();
            int ownWidth = buckets.resizedWidth(crops.get(i).height(), crops.get(i).width());
            long batchWidth = recording.inputWidthOfBatchWith(row.output(output));
            assertThat(batchWidth).as("line %d, %d pixels wide at height 48", i, ownWidth).isBetween((long) ownWidth, 2L * ownWidth);
            batchWidths.add(batchWidth);
            sharedBatches += row.batchSize() > 1 ? 1 : 0;
        }
        assertThat(batchWidths).as("widths of the batches formed").hasSizeGreaterThan(2);
        assertThat(sharedBatches).as("lines that shared a batch with others").isGreaterThan(30);
    }

    @Test
    void aModelWithoutAnAlphabetIsRefused() throws Exception {
        ModelVersion classifier = TestModels.store().resolve(ModelRef.latest(PaddleOcrModels.CLASSIFIER));
        try (InferenceEngine engine = OnnxRuntimeEngine.open(classifier, new Configuration())) {
            assertThatThrownBy(() -> new RecognitionTranslator().open(classifier, engine)).hasMessageContaining("alphabet");
        }
    }

    @SuppressWarnings("unchecked")
    private static Object key(BatchInput<?> input) {
        return TensorBatchifier.INSTANCE.bucketKey((Map<String, Tensor>) input.record());
    }
}
