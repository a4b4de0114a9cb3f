package io.flinkinference.operators.translate;

import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.manifest.DataType;
import io.flinkinference.modelstore.manifest.Manifest;
import io.flinkinference.modelstore.manifest.Postprocessing;
import io.flinkinference.modelstore.manifest.TensorSpec;
import io.flinkinference.operators.InferenceFailure;
import io.flinkinference.operators.InferenceFailure.Stage;
import io.flinkinference.operators.InferenceOptions;
import io.flinkinference.operators.InferenceRequest;
import io.flinkinference.operators.InferenceResult;
import io.flinkinference.operators.batching.BatchInput;
import io.flinkinference.operators.batching.BatchRow;
import io.flinkinference.operators.batching.EncodedImageBatchifier;
import io.flinkinference.operators.batching.TensorBatchifier;
import io.flinkinference.operators.engine.BatchRange;
import io.flinkinference.operators.engine.EncodedImages;
import io.flinkinference.operators.engine.EngineCapability;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.operators.engine.InvalidInputException;
import io.flinkinference.operators.engine.Tensor;
import io.flinkinference.operators.engine.TensorValidator;
import org.apache.flink.api.common.typeinfo.TypeInformation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Turns {@link InferenceRequest}s into {@link InferenceResult}s exactly as the model's manifest
 * says: images are decoded and preprocessed by its {@code preprocessing}, tensors are checked
 * against its input, and outputs become top-k labels, CTC text or raw tensors by its
 * {@code postprocessing}. Never guesses: a manifest without preprocessing takes tensors only.
 */
public final class ManifestTranslator implements InferenceTranslator<InferenceRequest, InferenceResult> {
    private static final long serialVersionUID = 1L;

    /** Larger images are refused from their header, before decoding (inference.image.max-pixels). */
    private final long maxImagePixels;
    private transient Manifest manifest;
    private transient String engineName;
    private transient TensorSpec input;
    private transient List<TensorSpec> inputs;
    private transient ImagePreprocessor preprocessor;
    private transient TopKDecoder topK;
    private transient CtcDecoder ctc;
    private transient String postOutput;
    /** The engine decodes and preprocesses images itself: image requests pass their encoded bytes, uncopied. */
    private transient boolean encodedImages;

    public ManifestTranslator() {
        this(InferenceOptions.MAX_IMAGE_PIXELS.defaultValue());
    }

    public ManifestTranslator(long maxImagePixels) {
        if (maxImagePixels < 1) {
            throw new IllegalArgumentException(InferenceOptions.MAX_IMAGE_PIXELS.key() + " must be positive, not " + maxImagePixels);
        }
        this.maxImagePixels = maxImagePixels;
    }

    @Override
    public void open(ModelVersion model, InferenceEngine engine) {
        manifest = model.manifest();
        engineName = engine.engineName();
        inputs = engine.inputs();
        input = inputs.get(0);
        preprocessor = manifest.preprocessing() == null ? null : new ImagePreprocessor(manifest.preprocessing());
        encodedImages = engine.capabilities().contains(EngineCapability.DECODES_IMAGES) && preprocessor != null && inputs.size() == 1;
        Postprocessing post = manifest.postprocessing() == null ? Postprocessing.raw() : manifest.postprocessing();
        postOutput = post.output() != null ? post.output() : manifest.outputs().get(0).name();
        switch (post.type()) {
            case TOPK -> topK = new TopKDecoder(model.readLines(post.labelsFile()), post.topK() == null ? 5 : post.topK());
            case CTC -> ctc = new CtcDecoder(model.readLines(post.alphabetFile()));
            case RAW -> { }
        }
    }

    @Override
    public BatchInput<?> preprocess(InferenceRequest request) throws BadInputException {
        if (inputs.size() != 1) {
            throw new BadInputException(Stage.PREPROCESS,
                    manifest.name() + " takes " + inputs.size() + " inputs; requests carry one. Write a translator for it.");
        }
        InferenceRequest.Encoding encoding = request.encoding() == null ? InferenceRequest.Encoding.IMAGE : request.encoding();
        if (encodedImages && encoding == InferenceRequest.Encoding.IMAGE) {
            byte[] payload = request.payload() == null ? new byte[0] : request.payload();
            // Unreadable bytes and oversized images fail here, on the task thread, never in a batch the engine decodes.
            ImageDecoder.checkReadable(payload, maxImagePixels);
            return EncodedImageBatchifier.INSTANCE.input(payload);
        }
        Tensor tensor = switch (encoding) {
            case IMAGE -> image(request);
            case TENSOR_FLOAT32 -> tensor(request);
        };
        Map<String, Tensor> tensors = Map.of(input.name(), tensor);
        try {
            TensorValidator.validate(tensors, inputs, BatchRange.ANY);
        } catch (InvalidInputException e) {
            throw new BadInputException(Stage.PREPROCESS, e.getMessage(), e);
        }
        if (tensor.dim(0) != 1) {
            throw new BadInputException(Stage.PREPROCESS, "A request holds one record (batch dimension 1), not " + tensor.dim(0) + ".");
        }
        return TensorBatchifier.INSTANCE.input(tensors);
    }

    private Tensor image(InferenceRequest request) throws BadInputException {
        if (preprocessor == null) {
            throw new BadInputException(Stage.PREPROCESS,
                    "The manifest of " + manifest.name() + ":" + manifest.version()
                            + " has no preprocessing, so it takes tensors, not images. Import it with --size to give it one.");
        }
        if (input.dtype() != DataType.FLOAT32) {
            throw new BadInputException(Stage.PREPROCESS,
                    manifest.name() + " takes " + input.dtype() + " input; image preprocessing produces float32.");
        }
        return preprocessor.batch(List.of(ImageDecoder.decode(request.payload(), maxImagePixels)));
    }

    private static Tensor tensor(InferenceRequest request) throws BadInputException {
        long[] shape = request.shape();
        if (shape == null || shape.length == 0) {
            throw new BadInputException(Stage.DECODE, "A float32 tensor request needs its shape.");
        }
        long elements;
        try {
            elements = Tensor.elementCount(shape);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new BadInputException(Stage.DECODE, "Invalid tensor shape " + Arrays.toString(shape) + ".", e);
        }
        byte[] payload = request.payload() == null ? new byte[0] : request.payload();
        if (payload.length != elements * 4) {
            throw new BadInputException(Stage.DECODE,
                    "The tensor payload has " + payload.length + " bytes; shape " + Arrays.toString(shape)
                            + " of float32 needs " + elements * 4 + ".");
        }
        return Tensor.ofRecordBytes(DataType.FLOAT32, shape, payload);
    }

    @Override
    public InferenceResult postprocess(InferenceRequest request, BatchRow row) throws BadInputException {
        Tensor undecodable = row.outputs().get(EncodedImages.UNDECODABLE);
        if (undecodable != null && undecodable.buffer().get(row.row()) != 0) {
            throw new BadInputException(Stage.DECODE, "The image could not be decoded, on the GPU (nvJPEG) or the CPU (ImageIO); "
                    + "it is damaged or in a format neither reads.");
        }
        List<InferenceResult.Label> labels = new ArrayList<>();
        String text = null;
        List<InferenceResult.RawTensor> tensors = new ArrayList<>();
        try {
            if (topK != null) {
                for (TopKDecoder.Prediction p : topK.decode(row.output(postOutput), row.row())) {
                    labels.add(new InferenceResult.Label(p.label(), p.classIndex(), p.score()));
                }
            } else if (ctc != null) {
                text = ctc.decode(row.output(postOutput), row.row());
            } else {
                for (Map.Entry<String, Tensor> output : row.outputs().entrySet()) {
                    if (output.getValue().dtype() == DataType.FLOAT32) {
                        tensors.add(new InferenceResult.RawTensor(output.getKey(), row.rowShape(output.getKey()),
                                row.rowFloats(output.getKey())));
                    }
                }
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new BadInputException(Stage.POSTPROCESS, e.getMessage(), e);
        }
        return new InferenceResult(request.id(), manifest.name(), manifest.version(), engineName, labels, text, tensors,
                request.eventTimeMillis(), row.queueNanos() / 1_000, row.inferenceNanos() / 1_000, row.batchSize(),
                request.metadata());
    }

    @Override
    public InferenceFailure failure(InferenceRequest request, Stage stage, Throwable error) {
        return InferenceFailure.of(request, stage, error);
    }

    @Override
    public TypeInformation<InferenceResult> resultType() {
        return TypeInformation.of(InferenceResult.class);
    }
}
