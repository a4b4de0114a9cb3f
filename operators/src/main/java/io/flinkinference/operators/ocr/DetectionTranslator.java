package io.flinkinference.operators.ocr;

import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.manifest.Preprocessing;
import io.flinkinference.operators.InferenceFailure;
import io.flinkinference.operators.InferenceFailure.Stage;
import io.flinkinference.operators.InferenceOptions;
import io.flinkinference.operators.InferenceRequest;
import io.flinkinference.operators.batching.BatchInput;
import io.flinkinference.operators.batching.BatchRow;
import io.flinkinference.operators.batching.TensorBatchifier;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.operators.engine.Tensor;
import io.flinkinference.operators.translate.BadInputException;
import io.flinkinference.operators.translate.ImageDecoder;
import io.flinkinference.operators.translate.ImagePreprocessor;
import io.flinkinference.operators.translate.InferenceTranslator;
import org.apache.flink.api.common.typeinfo.TypeInformation;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The text detector (PP-OCRv4 det) around an image request: the image is decoded, resized to
 * {@link DetectionResize}'s size and normalized as the model's manifest says; the probability map
 * becomes boxes by {@link DbPostprocessor}, and each box is cut out of the image
 * ({@link LineCrop#cut}), so that the page's pixels need not travel further.
 *
 * <p>The input's shape is the resized image's, so the batcher's bucket key (the shape) lets only
 * images of the same detector size batch together; a page-sized batch is rarely more than a few.
 * The image is decoded a second time in {@link #postprocess}: the decoded page cannot wait in the
 * batcher next to its tensor, and decoding is cheap next to detection. Cropping there also runs on
 * the batcher's threads rather than the task thread.
 */
public final class DetectionTranslator implements InferenceTranslator<InferenceRequest, DetectedPage> {
    private static final long serialVersionUID = 1L;

    /**
     * The shortest side an image may have: a line of text needs a few pixels of height to be
     * read at all, and a smaller image (a 1x1 tracking pixel, a thumbnail strip) stretched up to
     * the detector's 32 pixels would give boxes made of interpolation, so it is refused, naming its size.
     */
    public static final int MIN_IMAGE_SIDE = 8;

    private final long maxImagePixels;
    private final int maxSide;
    private transient Preprocessing normalization;
    private transient String inputName;
    private transient String outputName;
    private transient DbPostprocessor boxes;

    public DetectionTranslator() {
        this(InferenceOptions.MAX_IMAGE_PIXELS.defaultValue(), DetectionResize.DEFAULT_MAX_SIDE);
    }

    /**
     * @param maxImagePixels larger images are refused from their header ({@code inference.image.max-pixels})
     * @param maxSide the detector's longest input side ({@link DetectionResize})
     */
    public DetectionTranslator(long maxImagePixels, int maxSide) {
        if (maxImagePixels < 1) {
            throw new IllegalArgumentException(InferenceOptions.MAX_IMAGE_PIXELS.key() + " must be positive, not " + maxImagePixels);
        }
        DetectionResize.of(1, 1, maxSide); // refuses a max side below the detector's stride now, not per record
        this.maxImagePixels = maxImagePixels;
        this.maxSide = maxSide;
    }

    @Override
    public void open(ModelVersion model, InferenceEngine engine) {
        normalization = model.manifest().preprocessing();
        if (normalization == null) {
            throw new IllegalArgumentException("The detector " + model.ref() + " has no preprocessing in its manifest: "
                    + "its channel order, mean and std are needed to normalize pages.");
        }
        inputName = engine.inputs().get(0).name();
        outputName = model.manifest().outputs().get(0).name();
        boxes = DbPostprocessor.defaults();
    }

    @Override
    public BatchInput<?> preprocess(InferenceRequest request) throws BadInputException {
        BufferedImage page = ImageDecoder.decode(request.payload(), maxImagePixels);
        if (Math.min(page.getWidth(), page.getHeight()) < MIN_IMAGE_SIDE) {
            throw new BadInputException(Stage.PREPROCESS, "The image is " + page.getWidth() + "x" + page.getHeight()
                    + " pixels, too small to hold text: text detection needs at least " + MIN_IMAGE_SIDE + " pixels on each side.");
        }
        DetectionResize resize = DetectionResize.of(page.getHeight(), page.getWidth(), maxSide);
        Tensor tensor = new ImagePreprocessor(resizedTo(resize)).batch(List.of(page));
        return TensorBatchifier.INSTANCE.input(Map.of(inputName, tensor));
    }

    /** The manifest's normalization, stretched to this page's detector size. */
    private Preprocessing resizedTo(DetectionResize resize) {
        return new Preprocessing(resize.resizedHeight(), resize.resizedWidth(), normalization.layout(),
                normalization.channelOrder(), normalization.scale(), normalization.mean(), normalization.std(),
                Preprocessing.ResizeMode.STRETCH);
    }

    @Override
    public DetectedPage postprocess(InferenceRequest request, BatchRow row) throws BadInputException {
        BufferedImage page = ImageDecoder.decode(request.payload(), maxImagePixels);
        DetectionResize resize = DetectionResize.of(page.getHeight(), page.getWidth(), maxSide);
        List<TextBox> found;
        try {
            found = boxes.boxes(row.output(outputName), row.row(), resize);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(Stage.POSTPROCESS, e.getMessage(), e);
        }
        List<LineCrop> lines = new ArrayList<>(found.size());
        for (int i = 0; i < found.size(); i++) {
            lines.add(LineCrop.cut(request.id(), i, found.size(), page, found.get(i), request.eventTimeMillis(), request.metadata()));
        }
        return new DetectedPage(request.id(), request.eventTimeMillis(), request.metadata(), lines);
    }

    @Override
    public InferenceFailure failure(InferenceRequest request, Stage stage, Throwable error) {
        return InferenceFailure.of(request, stage, error);
    }

    @Override
    public TypeInformation<DetectedPage> resultType() {
        return TypeInformation.of(DetectedPage.class);
    }
}
