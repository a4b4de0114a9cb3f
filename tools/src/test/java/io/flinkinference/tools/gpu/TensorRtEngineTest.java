package io.flinkinference.tools.gpu;

import io.flinkinference.tools.setup.SampleImages;
import io.flinkinference.tools.setup.TensorRtCommand;
import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.operators.engine.Engines;
import io.flinkinference.operators.engine.ExecutionContext;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.operators.engine.ModelCompiler;
import io.flinkinference.operators.engine.Tensor;
import io.flinkinference.engine.onnxruntime.OnnxRuntimeEngine;
import io.flinkinference.engine.tensorrt.TensorRtLibrary;
import io.flinkinference.engine.tensorrt.gpu.Cuda;
import io.flinkinference.engine.tensorrt.gpu.GpuUnavailableException;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The TensorRT engine end to end: a plan built from the orientation classifier on this GPU, chosen
 * by the provider from the ONNX model's name, run through an execution context and compared with
 * ONNX Runtime on the same rendered text lines. It needs a GPU and a full TensorRT 10 (with the
 * builder resources for that GPU), and reports itself skipped, with the reason, everywhere else.
 */
class TensorRtEngineTest {
    @TempDir
    Path root;

    @Test
    void runsThePlanLikeOnnxRuntime() throws Exception {
        assumeTrue(fullTensorRt(), "needs an NVIDIA GPU and a full TensorRT 10 with this GPU's builder resources "
                + "(libnvinfer.so.10 and libnvinfer_builder_resource_sm<XY>.so.10.*); none here");
        ModelStore store = ModelStore.open(root.toUri());
        ModelStore models = ModelStore.open(System.getProperty("flinkinference.test.store"));
        ModelVersion source = models.resolve(ModelRef.parse("ppocr-cls"));
        ModelVersion onnx = store.publish(source.manifest(), copyFiles(source));
        TensorRtCommand.buildAndPublish(store, onnx, new ModelCompiler.BatchProfile(1, 16, 32), 0, 1L << 30, phase -> {});

        List<Map<String, Tensor>> batches = SampleImages.renderedTextLines(64, 5, onnx.manifest()).batches(onnx.manifest());
        try (InferenceEngine reference = OnnxRuntimeEngine.open(onnx, new Configuration());
                InferenceEngine engine = Engines.provider("tensorrt").open(onnx, new Configuration(), 0);
                ExecutionContext context = engine.newContext()) {
            assertThat(engine.batchRange().max()).isEqualTo(32);
            for (Map<String, Tensor> batch : batches) {
                FloatBuffer expected = reference.infer(batch).get("softmax_0.tmp_0").floats();
                FloatBuffer actual = context.infer(batch).get("softmax_0.tmp_0").floats();
                for (int i = 0; i < expected.capacity(); i += 2) {
                    assertThat(actual.get(i) > actual.get(i + 1)).isEqualTo(expected.get(i) > expected.get(i + 1));
                    assertThat(Math.abs(actual.get(i) - expected.get(i))).isLessThanOrEqualTo(1e-2f);
                }
            }
        }
    }

    /** Every file of a version (model, labels), copied out so that another store can publish them. */
    private Map<String, Path> copyFiles(ModelVersion version) throws Exception {
        Map<String, Path> files = new java.util.HashMap<>();
        Path folder = java.nio.file.Files.createTempDirectory(root, "source");
        for (var file : version.manifest().files()) {
            Path copy = folder.resolve(file.name());
            java.nio.file.Files.write(copy, version.readArtifact(file.name()));
            files.put(file.name(), copy);
        }
        return files;
    }

    private static boolean fullTensorRt() {
        try {
            Cuda.deviceCount();
            TensorRtLibrary.load();
            Cuda.GpuInfo gpu = Cuda.describe(0);
            return !TensorRtLibrary.builderResources(System.getenv(), gpu.major(), gpu.minor()).isEmpty();
        } catch (GpuUnavailableException | TensorRtLibrary.UnavailableException e) {
            return false;
        }
    }
}
