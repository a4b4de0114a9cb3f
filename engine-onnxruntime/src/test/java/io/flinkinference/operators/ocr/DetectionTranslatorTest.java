package io.flinkinference.operators.ocr;

import io.flinkinference.operators.InferenceFailure.Stage;
import io.flinkinference.operators.InferenceRequest;
import io.flinkinference.operators.batching.BatchInput;
import io.flinkinference.operators.batching.BatchRow;
import io.flinkinference.operators.batching.TensorBatchifier;
import io.flinkinference.operators.engine.Tensor;
import io.flinkinference.operators.translate.BadInputException;
import io.flinkinference.samples.DocumentPages;
import io.flinkinference.samples.ImageFiles;
import io.flinkinference.samples.models.PaddleOcrModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The detector's translator on the real ppocr-det in ONNX Runtime: shapes, buckets, rows, and what it refuses. */
class DetectionTranslatorTest {
    private static final DetectionTranslator TRANSLATOR = new DetectionTranslator();
    private static OcrTranslatorHarness harness;

    @BeforeAll
    static void open() throws Exception {
        harness = OcrTranslatorHarness.open(PaddleOcrModels.DETECTOR, TRANSLATOR);
    }

    @AfterAll
    static void close() {
        harness.close();
    }

    private static InferenceRequest request(String id, byte[] image) {
        return InferenceRequest.image(id, image, 0L);
    }

    @Test
    void aPageIsResizedToMultiplesOf32AndOnlyPagesOfOneSizeShareABucket() throws Exception {
        DocumentPages.Page three = pageWithLines(3);
        DocumentPages.Page four = pageWithLines(4);

        Tensor tensor = OcrTranslatorHarness.tensorOf(TRANSLATOR.preprocess(request("a", three.png())));

        DetectionResize resize = DetectionResize.of(three.image().getHeight(), three.image().getWidth());
        assertThat(tensor.shape()).containsExactly(1, 3, resize.resizedHeight(), resize.resizedWidth());
        assertThat(resize.resizedHeight() % 32).isZero();
        assertThat(key(TRANSLATOR.preprocess(request("b", pageWithLines(3).png()))))
                .isEqualTo(key(TRANSLATOR.preprocess(request("a", three.png()))))
                .isNotEqualTo(key(TRANSLATOR.preprocess(request("c", four.png()))));
    }

    @Test
    void eachPageOfABatchGetsItsOwnLinesCutOutInReadingOrder() throws Exception {
        DocumentPages.Page first = pageWithLines(3);
        DocumentPages.Page second = pageWithLinesOtherThan(3, first);
        List<InferenceRequest> requests = List.of(request("first", first.png()), request("second", second.png()));

        List<BatchRow> rows = harness.runAsOneBatch(List.of(TRANSLATOR.preprocess(requests.get(0)), TRANSLATOR.preprocess(requests.get(1))));

        assertThat(rows).extracting(BatchRow::batchSize).containsOnly(2);
        for (int i = 0; i < 2; i++) {
            DetectedPage page = TRANSLATOR.postprocess(requests.get(i), rows.get(i));
            assertThat(page.imageId()).isEqualTo(requests.get(i).id());
            assertThat(page.lines()).as("one crop per rendered line").hasSize(3);
            for (int line = 0; line < 3; line++) {
                LineCrop crop = page.lines().get(line);
                assertThat(crop.lineIndex()).isEqualTo(line);
                assertThat(crop.lineCount()).isEqualTo(3);
                assertThat(crop.width()).as("a line is wider than tall").isGreaterThan(crop.height());
            }
            // Top to bottom: each line's box starts below the one before.
            assertThat(page.lines()).extracting(c -> c.box().toTextBox().centerY()).isSorted();
        }
    }

    @Test
    void tooSmallTooLargeAndNonImagesAreRefusedBeforeDetection() {
        assertThatThrownBy(() -> TRANSLATOR.preprocess(request("dot", ImageFiles.png(DocumentPages.blank(1, 1)))))
                .isInstanceOfSatisfying(BadInputException.class, e -> assertThat(e.stage()).isEqualTo(Stage.PREPROCESS))
                .hasMessageContaining("1x1 pixels, too small to hold text");
        byte[] huge = ImageFiles.pngClaimingSize(pageWithLines(1).png(), 60_000, 60_000);
        assertThatThrownBy(() -> TRANSLATOR.preprocess(request("huge", huge)))
                .isInstanceOfSatisfying(BadInputException.class, e -> assertThat(e.stage()).isEqualTo(Stage.DECODE))
                .hasMessageContaining("60000x60000").hasMessageContaining("inference.image.max-pixels");
        // The configured limit, not only the default: a normal page over a 0.1 megapixel limit.
        DetectionTranslator strict = new DetectionTranslator(100_000, DetectionResize.DEFAULT_MAX_SIDE);
        assertThatThrownBy(() -> strict.preprocess(request("page", DocumentPages.page(5).png())))
                .hasMessageContaining("over the limit of 0.1 megapixels");
        assertThatThrownBy(() -> TRANSLATOR.preprocess(request("noise", DocumentPages.randomBytes(3, 512))))
                .isInstanceOfSatisfying(BadInputException.class, e -> assertThat(e.stage()).isEqualTo(Stage.DECODE))
                .hasMessageContaining("not an image format");
        assertThatThrownBy(() -> new DetectionTranslator(0, 960)).hasMessageContaining("inference.image.max-pixels");
    }

    @SuppressWarnings("unchecked")
    private static Object key(BatchInput<?> input) {
        return TensorBatchifier.INSTANCE.bucketKey((Map<String, Tensor>) input.record());
    }

    /** The first seeded page with {@code lines} lines, all upright (the detector finds lines either way). */
    private static DocumentPages.Page pageWithLines(int lines) {
        return pageWithLinesOtherThan(lines, null);
    }

    private static DocumentPages.Page pageWithLinesOtherThan(int lines, DocumentPages.Page not) {
        for (long seed = 100; ; seed++) {
            DocumentPages.Page page = DocumentPages.page(seed);
            if (page.lines().size() == lines && (not == null || !page.lines().equals(not.lines()))) {
                return page;
            }
        }
    }
}
