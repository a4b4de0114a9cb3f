package io.flinkinference.tools.setup;

import ai.onnx.proto.OnnxMl;
import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.manifest.Preprocessing;
import io.flinkinference.modelstore.manifest.Preprocessing.ChannelOrder;
import io.flinkinference.modelstore.manifest.Preprocessing.Layout;
import io.flinkinference.modelstore.manifest.Preprocessing.ResizeMode;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.operators.engine.Tensor;
import io.flinkinference.operators.translate.ImagePreprocessor;
import io.flinkinference.samples.TextLineImages;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code setup prune --finetune} on a text-orientation CNN that the test trains in PyTorch on
 * rendered lines (upright or upside down: labels by construction): pruning alone is refused by
 * the gate, pruning with fine-tuning passes it.
 */
class PruneFinetuneTest extends TorchTestSupport {
    private static final Preprocessing LINES = new Preprocessing(32, 128, Layout.NCHW, ChannelOrder.GRAY, 1 / 255.0,
            List.of(0.5), List.of(0.5), ResizeMode.FIT_HEIGHT_PAD, null);
    private static final int TRAINING_LINES = 1200;

    @Test
    void theFineTunedTwoFourVariantPassesTheGateThatRefusesPlainPruning() throws Exception {
        Path source = resource("orientation_net.py");
        Path weights = work.resolve("orientation.pt");
        trainOrientationNet(source, weights);
        Path fineTuning = writeLines("finetune", 400, 11);
        Path validation = writeLines("validation", 200, 12);

        assertThat(run("setup", "export", source.toString(), "--class", "OrientationNet", "--state-dict", weights.toString(),
                "--name", "orientation", "--size", "32x128", "--resize", "fit-height-pad", "--channels", "GRAY",
                "--mean", "0.5", "--std", "0.5", "--dynamic-axis", "3=width", "--samples", validation.toString()))
                .as(cli.out()).isZero();
        ModelVersion dense = store.resolve(ModelRef.parse("orientation"));
        assertThat(dense.manifest().inputs().get(0).isDynamic(3)).as("--dynamic-axis 3=width").isTrue();
        assertThat(accuracyOnRenderedLines(dense, 13)).as("the trained classifier reads orientation").isGreaterThan(0.95);

        assertThat(run("setup", "prune", "orientation", "--samples", validation.toString(), "--no-speed")).as(cli.out()).isEqualTo(1);
        double plain = agreement(cli.out());
        assertThat(cli.out()).contains("refused: top-1 agreement").contains("Nothing was published.");
        assertThat(plain).isLessThan(0.97);

        assertThat(run("setup", "prune", "orientation", "--finetune", "--finetune-samples", fineTuning.toString(),
                "--samples", validation.toString(), "--no-speed")).as(cli.out()).isZero();
        assertThat(cli.out()).contains("python: step 300/300: distillation loss");
        double tuned = agreement(cli.out());
        assertThat(tuned).isGreaterThanOrEqualTo(0.97);

        ModelVersion sparse = store.resolve(ModelRef.parse("orientation-sparse24"));
        assertThat(sparse.manifest().lineage().parentName()).isEqualTo("orientation");
        assertThat(sparse.manifest().lineage().transforms()).containsExactly(PruneFinetuning.TRANSFORM);
        assertThat(sparse.manifest().lineage().attributes()).containsEntry("tensorrt.sparseWeights", "true")
                .containsEntry("finetune.steps", "300").containsEntry("prune.layers", "4");
        assertTwoOfEveryFourZero(sparse.readModel());

        // The source is read again from the lineage: a changed state dict is a different parent, and is refused.
        Files.write(weights, new byte[] {0}, StandardOpenOption.APPEND);
        assertThat(run("setup", "prune", "orientation", "--finetune", "--finetune-samples", fineTuning.toString(),
                "--samples", validation.toString(), "--no-speed", "--name", "again")).isEqualTo(1);
        assertThat(cli.out()).contains(weights + " has changed since orientation:1 was exported from it");
    }

    private void trainOrientationNet(Path source, Path weights) throws Exception {
        List<TextLineImages.Sample> samples = new TextLineImages(10).samples(TRAINING_LINES);
        Tensor images = new ImagePreprocessor(LINES).batch(samples.stream().map(TextLineImages.Sample::image).toList());
        Path imageFile = work.resolve("train-images.bin");
        TensorFiles.write(images, imageFile);
        byte[] labels = new byte[samples.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (byte) (samples.get(i).rotated() ? 1 : 0);
        }
        Path labelFile = work.resolve("train-labels.bin");
        Files.write(labelFile, labels);
        String log = python(source, imageFile.toString(), labelFile.toString(), Integer.toString(TRAINING_LINES), weights.toString());
        assertThat(log).contains("epoch 4: training accuracy");
    }

    private Path writeLines(String folder, int count, long seed) throws Exception {
        Path dir = Files.createDirectories(work.resolve(folder));
        List<TextLineImages.Sample> samples = new TextLineImages(seed).samples(count);
        for (int i = 0; i < samples.size(); i++) {
            Files.write(dir.resolve(String.format("line-%04d.png", i)), samples.get(i).png());
        }
        return dir;
    }

    /** The share of fresh rendered lines whose orientation the model gets right (class 1: upside down). */
    private static double accuracyOnRenderedLines(ModelVersion model, long seed) {
        List<TextLineImages.Sample> samples = new TextLineImages(seed).samples(100);
        List<BufferedImage> images = samples.stream().map(TextLineImages.Sample::image).toList();
        try (InferenceEngine engine = CandidateEngines.open(model)) {
            FloatBuffer scores = engine.infer(Map.of("input", new ImagePreprocessor(LINES).batch(images))).get("output").floats();
            int right = 0;
            for (int i = 0; i < samples.size(); i++) {
                boolean upsideDown = scores.get(2 * i + 1) > scores.get(2 * i);
                right += upsideDown == samples.get(i).rotated() ? 1 : 0;
            }
            return right / (double) samples.size();
        }
    }

    private static double agreement(String out) {
        Matcher m = Pattern.compile("top-1 agreement ([0-9.]+)% on 200 samples").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return Double.parseDouble(m.group(1)) / 100;
    }

    private static void assertTwoOfEveryFourZero(byte[] onnx) throws Exception {
        OnnxMl.GraphProto graph = OnnxMl.ModelProto.parseFrom(onnx).getGraph();
        Map<String, OnnxMl.TensorProto> weights = new HashMap<>();
        graph.getInitializerList().forEach(t -> weights.put(t.getName(), t));
        int checked = 0;
        for (OnnxMl.NodeProto node : graph.getNodeList()) {
            OnnxMl.TensorProto weight = node.getInputCount() > 1 ? weights.get(node.getInput(1)) : null;
            if (weight == null || !List.of("Conv", "Gemm").contains(node.getOpType()) || weight.getDims(1) % 4 != 0) {
                continue;
            }
            float[] values = Sparse24Pruner.floats(weight);
            Sparse24Pruner.forEachGroup(weight.getDimsList(), 1, group -> {
                int zeros = 0;
                for (int index : group) {
                    zeros += values[index] == 0f ? 1 : 0;
                }
                assertThat(zeros).as(node.getName()).isGreaterThanOrEqualTo(2);
            });
            checked++;
        }
        assertThat(checked).isEqualTo(4);
    }
}
