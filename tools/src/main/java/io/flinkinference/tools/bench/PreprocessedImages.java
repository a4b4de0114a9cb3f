package io.flinkinference.tools.bench;

import io.flinkinference.modelstore.manifest.DataType;
import io.flinkinference.modelstore.manifest.Manifest;
import io.flinkinference.modelstore.manifest.TensorSpec;
import io.flinkinference.operators.engine.ExecutionContext;
import io.flinkinference.operators.engine.Tensor;
import io.flinkinference.operators.translate.BadInputException;
import io.flinkinference.operators.translate.ImageDecoder;
import io.flinkinference.operators.translate.ImagePreprocessor;

import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Real pictures as the model's input, decoded and preprocessed by the same code the batching
 * function uses ({@link ImageDecoder}, {@link ImagePreprocessor} with the manifest's
 * preprocessing). Batches cycle through the images; each caller starts at another one.
 */
public final class PreprocessedImages implements BatchInputs {
    private final TensorSpec input;
    private final ImagePreprocessor preprocessor;
    private final List<BufferedImage> images;
    private final String origin;

    /**
     * @param encoded the image files' bytes, by the name a message about them should use
     * @param origin where they came from, for the report
     */
    public PreprocessedImages(Manifest manifest, Map<String, byte[]> encoded, String origin) {
        if (manifest.preprocessing() == null) {
            throw new IllegalArgumentException(manifest.name() + " has no preprocessing in its manifest, so images cannot "
                    + "be turned into its input; leave out --inputs for synthetic tensors.");
        }
        if (manifest.inputs().size() != 1 || manifest.inputs().get(0).dtype() != DataType.FLOAT32) {
            throw new IllegalArgumentException(manifest.name() + " does not take one float32 image input, so --inputs cannot feed it.");
        }
        if (encoded.isEmpty()) {
            throw new IllegalArgumentException("No images in " + origin + ".");
        }
        this.input = manifest.inputs().get(0);
        this.preprocessor = new ImagePreprocessor(manifest.preprocessing());
        this.origin = origin;
        this.images = new ArrayList<>(encoded.size());
        for (Map.Entry<String, byte[]> image : encoded.entrySet()) {
            try {
                images.add(ImageDecoder.decode(image.getValue()));
            } catch (BadInputException e) {
                throw new IllegalArgumentException(image.getKey() + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public Map<String, Tensor> batch(ExecutionContext context, int batchSize, int caller) {
        Tensor tensor = context.allocateInput(input.name(), DataType.FLOAT32, preprocessor.inputShape(batchSize));
        FloatBuffer values = tensor.floats();
        for (int i = 0; i < batchSize; i++) {
            preprocessor.write(images.get((caller * batchSize + i) % images.size()), values, i);
        }
        return Map.of(input.name(), tensor);
    }

    @Override
    public String description() {
        return images.size() + " image(s) from " + origin + ", preprocessed as the manifest says";
    }
}
