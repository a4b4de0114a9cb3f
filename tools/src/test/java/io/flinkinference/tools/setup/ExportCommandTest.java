package io.flinkinference.tools.setup;

import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.manifest.DataType;
import io.flinkinference.modelstore.onnx.OnnxModelInfo;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.operators.engine.Tensor;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** {@code setup export} with real torch and real ONNX Runtime. */
class ExportCommandTest extends TorchTestSupport {
    @Test
    void exportsATorchScriptModelWithADynamicBatchAndItsLineage() throws Exception {
        Path[] saved = savedTinyCnn();
        assertThat(run("setup", "export", saved[0].toString(), "--name", "tiny", "--size", "32x32", "--rendered-lines", "40"))
                .as(cli.out()).isZero();
        assertThat(cli.out()).contains("python: exporting to ONNX (opset 17").contains("Fidelity of ONNX Runtime against PyTorch");

        ModelVersion tiny = store.resolve(ModelRef.parse("tiny"));
        Map<String, String> lineage = tiny.manifest().lineage().attributes();
        assertThat(lineage).containsEntry("source.sha256", TorchSource.sha256(saved[0]))
                .containsEntry("torch.version", torch.torchVersion())
                .containsEntry("onnx.opset", "17")
                .containsEntry("export.dynamicAxes", "0=batch")
                .containsEntry("fidelity.random.samples", "8")
                .containsEntry("fidelity.samples.samples", "40")
                .containsEntry("fidelity.agreement", "1.0000");
        assertThat(Double.parseDouble(lineage.get("fidelity.maxAbsDiff"))).isLessThan(1e-4);
        assertThat(tiny.manifest().preprocessing().height()).isEqualTo(32);

        OnnxModelInfo info = OnnxModelInfo.parse(tiny.readModel(), "tiny");
        assertThat(info.opset()).isEqualTo(17);
        assertThat(info.inputs().get(0).isDynamic(0)).isTrue();
        assertThat(info.outputs().get(0).isDynamic(0)).isTrue();
        try (InferenceEngine engine = CandidateEngines.open(tiny)) {
            Tensor three = randomImages(3, 1);
            float[] batched = scores(engine.infer(Map.of("input", three)).get("output"), 3 * 10);
            for (int row = 0; row < 3; row++) {
                float[] alone = scores(engine.infer(Map.of("input", slice(three, row))).get("output"), 10);
                for (int i = 0; i < 10; i++) {
                    assertThat(alone[i]).isCloseTo(batched[row * 10 + i], within(1e-5f));
                }
            }
        }
    }

    @Test
    void exportsAPythonModuleWithItsStateDictToTheSameModel() throws Exception {
        Path[] saved = savedTinyCnn();
        assertThat(run("setup", "export", saved[0].toString(), "--name", "scripted", "--size", "32x32")).as(cli.out()).isZero();
        assertThat(run("setup", "export", resource("tiny_cnn.py").toString(), "--class", "TinyCnn", "--state-dict",
                saved[1].toString(), "--name", "from-source", "--size", "32x32")).as(cli.out()).isZero();

        ModelVersion fromSource = store.resolve(ModelRef.parse("from-source"));
        assertThat(fromSource.manifest().lineage().attributes()).containsEntry("torch.source.class", "TinyCnn")
                .containsEntry("source.stateDict.sha256", TorchSource.sha256(saved[1]));
        // The same weights by both routes: the state dict was loaded, not the module's initial weights.
        try (InferenceEngine scripted = CandidateEngines.open(store.resolve(ModelRef.parse("scripted")));
                InferenceEngine source = CandidateEngines.open(fromSource)) {
            Tensor images = randomImages(4, 2);
            float[] expected = scores(scripted.infer(Map.of("input", images)).get("output"), 40);
            float[] actual = scores(source.infer(Map.of("input", images)).get("output"), 40);
            for (int i = 0; i < expected.length; i++) {
                assertThat(actual[i]).isCloseTo(expected[i], within(1e-5f));
            }
        }
    }

    @Test
    void exportsATorchvisionArchitectureAndRefusesBeyondTheTolerance() throws Exception {
        String source = resource("torchvision_resnet.py").toString();
        String[] common = {"setup", "export", source, "--class", "resnet18", "--name", "resnet", "--size", "224x224",
            "--resize", "short-side-center-crop", "--mean", "0.485,0.456,0.406", "--std", "0.229,0.224,0.225",
            "--random-inputs", "2"};
        assertThat(run(concat(common, "--tolerance", "1e-9"))).as(cli.out()).isEqualTo(1);
        assertThat(cli.out()).contains("refused: max abs diff").contains("Nothing was published.");
        assertThat(store.models()).isEmpty();

        assertThat(run(common)).as(cli.out()).isZero();
        ModelVersion resnet = store.resolve(ModelRef.parse("resnet"));
        assertThat(resnet.manifest().outputs().get(0).shape()).containsExactly(-1L, 1000L);
        assertThat(OnnxModelInfo.parse(resnet.readModel(), "resnet").parameterCount()).isGreaterThan(11_000_000);
        assertThat(Double.parseDouble(resnet.manifest().lineage().attributes().get("fidelity.maxAbsDiff"))).isLessThan(1e-3);
    }

    @Test
    void aPythonWithoutTorchIsToldWhatToInstall() throws Exception {
        // The torch Python with its site packages switched off: an interpreter without torch on any machine.
        Path noTorch = work.resolve("python-without-torch");
        Files.writeString(noTorch, "#!/bin/sh\nexec " + torch.executable() + " -S \"$@\"\n");
        noTorch.toFile().setExecutable(true);
        Path[] saved = savedTinyCnn();

        assertThat(run("setup", "export", saved[0].toString(), "--name", "tiny", "--size", "32x32", "--python", noTorch.toString()))
                .isEqualTo(1);
        assertThat(cli.out()).contains("error: The Python that --python names, " + noTorch)
                .contains("no module named 'torch'").contains("apt-get install python3-torch").contains("pip install torch");
        assertThatThrownBy(() -> TorchPython.locate(null, Map.of(TorchPython.ENV, noTorch.toString())))
                .hasMessageContaining("$" + TorchPython.ENV).hasMessageContaining("python3-torch");
    }

    @Test
    void aBrokenModelFailsSayingWhatAndWhere() throws Exception {
        Path broken = work.resolve("broken.pt");
        Files.write(broken, new byte[] {1, 2, 3, 4, 5});
        assertThat(run("setup", "export", broken.toString(), "--name", "broken", "--size", "32x32")).isEqualTo(1);
        assertThat(cli.out()).contains("failed while exporting " + broken)
                .contains("error: " + broken + " is not a TorchScript archive");

        Path syntax = work.resolve("syntax_error.py");
        Files.writeString(syntax, "import torch\n\nclass Net(torch.nn.Module:\n    pass\n");
        assertThat(run("setup", "export", syntax.toString(), "--class", "Net", "--name", "broken", "--size", "32x32")).isEqualTo(1);
        assertThat(cli.out()).contains("cannot load " + syntax + " at line 3: SyntaxError");

        assertThat(run("setup", "export", resource("tiny_cnn.py").toString(), "--class", "TinyNet", "--name", "broken",
                "--size", "32x32")).isEqualTo(1);
        assertThat(cli.out()).contains("defines no class or function 'TinyNet'; the nn.Module classes it defines: TinyCnn");
        assertThat(store.models()).isEmpty();
    }

    /** The tiny CNN saved by its own script: TorchScript archive, state dict. */
    private Path[] savedTinyCnn() throws Exception {
        Path script = resource("tiny_cnn.py");
        Path archive = work.resolve("tiny.pt");
        Path stateDict = work.resolve("tiny-state.pt");
        python(script, archive.toString(), stateDict.toString());
        return new Path[] {archive, stateDict};
    }

    private static Tensor randomImages(int count, long seed) {
        Tensor tensor = Tensor.allocate(DataType.FLOAT32, count, 3, 32, 32);
        FloatBuffer values = tensor.floats();
        Random random = new Random(seed);
        while (values.hasRemaining()) {
            values.put(random.nextFloat());
        }
        return tensor;
    }

    private static Tensor slice(Tensor batch, int row) {
        int perRow = (int) (batch.elementCount() / batch.dim(0));
        Tensor one = Tensor.allocate(DataType.FLOAT32, 1, batch.dim(1), batch.dim(2), batch.dim(3));
        FloatBuffer source = batch.floats();
        source.position(row * perRow).limit(row * perRow + perRow);
        one.floats().put(source);
        return one;
    }

    private static float[] scores(Tensor output, int count) {
        assertThat(output.elementCount()).isEqualTo(count);
        float[] values = new float[count];
        output.floats().get(values);
        return values;
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
