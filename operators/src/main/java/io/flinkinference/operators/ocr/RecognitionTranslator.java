package io.flinkinference.operators.ocr;

import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.manifest.Postprocessing;
import io.flinkinference.modelstore.manifest.Preprocessing;
import io.flinkinference.operators.InferenceFailure;
import io.flinkinference.operators.InferenceFailure.Stage;
import io.flinkinference.operators.batching.BatchInput;
import io.flinkinference.operators.batching.BatchRow;
import io.flinkinference.operators.batching.TensorBatchifier;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.operators.translate.BadInputException;
import io.flinkinference.operators.translate.CtcDecoder;
import io.flinkinference.operators.translate.ImagePreprocessor;
import io.flinkinference.operators.translate.InferenceTranslator;
import org.apache.flink.api.common.typeinfo.TypeInformation;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The text recognizer (PP-OCRv4 rec) on line crops: each crop is resized to height 48 keeping its
 * aspect ratio, normalized as the model's manifest says and padded on the right to its
 * {@link WidthBuckets} width, so its input is [1, 3, 48, bucket] and the batcher (keyed by shape)
 * batches only crops of one bucket; the scores are CTC-decoded with the model's alphabet, with
 * the line's confidence.
 */
public final class RecognitionTranslator implements InferenceTranslator<LineCrop, RecognizedLine> {
    private static final long serialVersionUID = 1L;

    private transient WidthBuckets buckets;
    private transient Preprocessing normalization;
    /** One preprocessor per bucket width: each pads to its own width. */
    private transient Map<Integer, ImagePreprocessor> byBucket;
    private transient String inputName;
    private transient String outputName;
    private transient CtcDecoder ctc;

    @Override
    public void open(ModelVersion model, InferenceEngine engine) {
        normalization = model.manifest().preprocessing();
        Postprocessing post = model.manifest().postprocessing();
        if (normalization == null || post == null || post.alphabetFile() == null) {
            throw new IllegalArgumentException("The recognizer " + model.ref() + " needs preprocessing and an alphabet in its manifest");
        }
        buckets = WidthBuckets.defaults();
        if (normalization.height() != buckets.height()) {
            throw new IllegalArgumentException("The recognizer " + model.ref() + " takes lines " + normalization.height()
                    + " pixels high; the width buckets are for " + buckets.height());
        }
        byBucket = new ConcurrentHashMap<>();
        inputName = engine.inputs().get(0).name();
        outputName = post.output() != null ? post.output() : model.manifest().outputs().get(0).name();
        ctc = new CtcDecoder(model.readLines(post.alphabetFile()));
    }

    @Override
    public BatchInput<?> preprocess(LineCrop crop) {
        int width = buckets.resizedWidth(crop.height(), crop.width());
        int bucket = buckets.bucketFor(width);
        ImagePreprocessor preprocessor = byBucket.computeIfAbsent(bucket, w -> new ImagePreprocessor(new Preprocessing(
                buckets.height(), w, normalization.layout(), normalization.channelOrder(), normalization.scale(),
                normalization.mean(), normalization.std(), Preprocessing.ResizeMode.FIT_HEIGHT_PAD)));
        // Resized here to the buckets' width (which stretches crops narrower than the smallest bucket and
        // squeezes the longest), so that the preprocessor only normalizes and pads.
        return TensorBatchifier.INSTANCE.input(Map.of(inputName, preprocessor.batch(List.of(resized(crop.image(), width)))));
    }

    private BufferedImage resized(BufferedImage crop, int width) {
        if (crop.getWidth() == width && crop.getHeight() == buckets.height()) {
            return crop;
        }
        BufferedImage target = new BufferedImage(width, buckets.height(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = target.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(crop, 0, 0, width, buckets.height(), null);
        } finally {
            g.dispose();
        }
        return target;
    }

    @Override
    public RecognizedLine postprocess(LineCrop crop, BatchRow row) throws BadInputException {
        CtcDecoder.Decoded decoded;
        try {
            decoded = ctc.decodeWithConfidence(row.output(outputName), row.row());
        } catch (IllegalArgumentException e) {
            throw new BadInputException(Stage.POSTPROCESS, e.getMessage(), e);
        }
        return RecognizedLine.of(crop, decoded.text(), Math.max(0f, Math.min(1f, decoded.confidence())));
    }

    @Override
    public InferenceFailure failure(LineCrop crop, Stage stage, Throwable error) {
        return LineFailures.of(crop, stage, error);
    }

    @Override
    public TypeInformation<RecognizedLine> resultType() {
        return TypeInformation.of(RecognizedLine.class);
    }
}
