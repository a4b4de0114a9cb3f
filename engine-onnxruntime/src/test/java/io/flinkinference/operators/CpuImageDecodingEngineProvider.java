package io.flinkinference.operators;

import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.manifest.DataType;
import io.flinkinference.modelstore.manifest.ModelFormat;
import io.flinkinference.modelstore.manifest.TensorSpec;
import io.flinkinference.operators.engine.BatchRange;
import io.flinkinference.operators.engine.EncodedImages;
import io.flinkinference.operators.engine.EngineCapability;
import io.flinkinference.operators.engine.EngineProvider;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.operators.engine.Tensor;
import io.flinkinference.engine.onnxruntime.OnnxRuntimeEngine;
import io.flinkinference.engine.onnxruntime.OnnxRuntimeOptions;
import io.flinkinference.operators.translate.ImagePreprocessor;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A test engine ({@code cpu-image-decoding}) that takes encoded images, as the TensorRT engine does
 * with {@code tensorrt.gpu-image-decoding}, but decodes them with ImageIO and runs the real model
 * on ONNX Runtime. It exists to test, on machines without a GPU, everything around an image-decoding
 * engine: the translator passing encoded bytes, the batcher batching images of any length, undecodable
 * rows becoming failures. It is not the GPU path and says nothing about it.
 */
public final class CpuImageDecodingEngineProvider implements EngineProvider {
    /** The batches the engines of this provider saw, as their row counts (for assertions). */
    public static final List<Integer> BATCH_ROWS = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public String name() {
        return "cpu-image-decoding";
    }

    /** ONNX Runtime's, since ONNX Runtime runs the model behind the decoder. */
    @Override
    public Set<ConfigOption<?>> options() {
        return OnnxRuntimeOptions.all();
    }

    @Override
    public boolean supports(ModelFormat format) {
        return format == ModelFormat.ONNX;
    }

    @Override
    public InferenceEngine open(ModelVersion model, ReadableConfig options, int device) {
        return new Engine(OnnxRuntimeEngine.open(model, options), new ImagePreprocessor(model.manifest().preprocessing()));
    }

    private record Engine(OnnxRuntimeEngine onnx, ImagePreprocessor preprocessor) implements InferenceEngine {
        @Override
        public String engineName() {
            return "cpu-image-decoding";
        }

        @Override
        public List<TensorSpec> inputs() {
            return onnx.inputs();
        }

        @Override
        public List<TensorSpec> outputs() {
            return onnx.outputs();
        }

        @Override
        public Set<EngineCapability> capabilities() {
            return Set.of(EngineCapability.DECODES_IMAGES);
        }

        @Override
        public BatchRange batchRange() {
            return onnx.batchRange();
        }

        @Override
        public Map<String, Tensor> infer(Map<String, Tensor> inputs) {
            EncodedImages.Batch images = EncodedImages.read(inputs);
            BATCH_ROWS.add(images.rows());
            Tensor batch = Tensor.allocate(DataType.FLOAT32, preprocessor.inputShape(images.rows()));
            FloatBuffer values = batch.floats();
            Set<Integer> failed = new HashSet<>();
            for (int row = 0; row < images.rows(); row++) {
                BufferedImage image = read(images.image(row));
                if (image == null) {
                    failed.add(row);
                } else {
                    preprocessor.write(image, values, row);
                }
            }
            Map<String, Tensor> outputs = new LinkedHashMap<>(onnx.infer(Map.of(onnx.inputs().get(0).name(), batch)));
            outputs.put(EncodedImages.UNDECODABLE, EncodedImages.undecodable(images.rows(), failed));
            return outputs;
        }

        private static BufferedImage read(ByteBuffer image) {
            byte[] bytes = new byte[image.remaining()]; // ImageIO reads streams; this test engine copies
            image.get(bytes);
            try {
                return bytes.length == 0 ? null : ImageIO.read(new ByteArrayInputStream(bytes));
            } catch (java.io.IOException | RuntimeException e) {
                return null;
            }
        }

        @Override
        public void close() {
            onnx.close();
        }
    }
}
