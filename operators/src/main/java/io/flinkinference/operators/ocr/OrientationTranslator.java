package io.flinkinference.operators.ocr;

import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.manifest.Postprocessing;
import io.flinkinference.operators.InferenceFailure;
import io.flinkinference.operators.InferenceFailure.Stage;
import io.flinkinference.operators.batching.BatchInput;
import io.flinkinference.operators.batching.BatchRow;
import io.flinkinference.operators.batching.TensorBatchifier;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.operators.translate.BadInputException;
import io.flinkinference.operators.translate.ImagePreprocessor;
import io.flinkinference.operators.translate.InferenceTranslator;
import org.apache.flink.api.common.typeinfo.TypeInformation;

import java.util.List;
import java.util.Map;

/**
 * The orientation classifier (ppocr-cls) on line crops: each crop is preprocessed as the model's
 * manifest says (height 48, width up to 192, padded), so all crops share one bucket, and a crop
 * the classifier finds upside down with at least {@code minScore} is turned around
 * ({@link TextLineCrop#turnedAround}); every other crop passes unchanged.
 */
public final class OrientationTranslator implements InferenceTranslator<LineCrop, LineCrop> {
    private static final long serialVersionUID = 1L;

    /** PaddleOCR's {@code cls_thresh}: a less certain "180" leaves the line as it is. */
    public static final float DEFAULT_MIN_SCORE = 0.9f;
    /** The classifier's label for an upside-down line. */
    public static final String UPSIDE_DOWN = "180";

    private final float minScore;
    private transient ImagePreprocessor preprocessor;
    private transient String inputName;
    private transient String outputName;
    private transient int upsideDownClass;

    public OrientationTranslator() {
        this(DEFAULT_MIN_SCORE);
    }

    public OrientationTranslator(float minScore) {
        if (!(minScore >= 0 && minScore <= 1)) {
            throw new IllegalArgumentException("The orientation's min score is a probability, not " + minScore);
        }
        this.minScore = minScore;
    }

    @Override
    public void open(ModelVersion model, InferenceEngine engine) {
        Postprocessing post = model.manifest().postprocessing();
        if (model.manifest().preprocessing() == null || post == null || post.labelsFile() == null) {
            throw new IllegalArgumentException("The orientation classifier " + model.ref()
                    + " needs preprocessing and a labels file in its manifest");
        }
        preprocessor = new ImagePreprocessor(model.manifest().preprocessing());
        inputName = engine.inputs().get(0).name();
        outputName = post.output() != null ? post.output() : model.manifest().outputs().get(0).name();
        List<String> labels = model.readLines(post.labelsFile());
        upsideDownClass = labels.indexOf(UPSIDE_DOWN);
        if (upsideDownClass < 0) {
            throw new IllegalArgumentException("The orientation classifier " + model.ref() + " has no class '" + UPSIDE_DOWN
                    + "' among its labels " + labels);
        }
    }

    @Override
    public BatchInput<?> preprocess(LineCrop crop) {
        return TensorBatchifier.INSTANCE.input(Map.of(inputName, preprocessor.batch(List.of(crop.image()))));
    }

    @Override
    public LineCrop postprocess(LineCrop crop, BatchRow row) throws BadInputException {
        float[] scores = row.rowFloats(outputName);
        if (upsideDownClass >= scores.length) {
            throw new BadInputException(Stage.POSTPROCESS, "The classifier gave " + scores.length
                    + " scores; class '" + UPSIDE_DOWN + "' is number " + upsideDownClass);
        }
        int best = 0;
        for (int c = 1; c < scores.length; c++) {
            if (scores[c] > scores[best]) {
                best = c;
            }
        }
        boolean upsideDown = best == upsideDownClass && scores[best] >= minScore;
        return upsideDown ? crop.withImage(TextLineCrop.turnedAround(crop.image())) : crop;
    }

    @Override
    public InferenceFailure failure(LineCrop crop, Stage stage, Throwable error) {
        return LineFailures.of(crop, stage, error);
    }

    @Override
    public TypeInformation<LineCrop> resultType() {
        return TypeInformation.of(LineCrop.class);
    }
}
