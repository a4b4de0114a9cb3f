package io.flinkinference.tools.setup;

import io.flinkinference.modelstore.manifest.Preprocessing;
import io.flinkinference.modelstore.manifest.Preprocessing.ChannelOrder;
import io.flinkinference.modelstore.manifest.Preprocessing.Layout;
import io.flinkinference.modelstore.manifest.Preprocessing.ResizeMode;
import io.flinkinference.testing.CommandRunner;
import io.flinkinference.tools.ToolsCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What setup export and prune --finetune decide before any Python runs: no torch needed. */
class ExportOptionsTest {
    private static final Preprocessing GRAY_LINES = new Preprocessing(32, 128, Layout.NCHW, ChannelOrder.GRAY, 1 / 255.0,
            List.of(0.5), List.of(0.5), ResizeMode.FIT_HEIGHT_PAD, null);

    @TempDir
    Path work;

    private final CommandRunner cli = CommandRunner.merged(ToolsCli::commandLine);

    @Test
    void theExampleInputFollowsFromThePreprocessingAndTheSpecSurvivesTheLineage() {
        ExportSpec spec = ExportSpec.of("input", null, GRAY_LINES, List.of("3=width"), List.of(), ExportSpec.DEFAULT_OPSET);
        assertThat(spec.inputShape()).containsExactly(1L, 1L, 32L, 128L);
        assertThat(spec.dynamicAxes()).containsExactly(Map.entry(0, "batch"), Map.entry(3, "width"));

        Map<String, String> lineage = spec.lineage(List.of("logits"));
        assertThat(lineage).containsEntry("onnx.opset", "17").containsEntry("export.inputShape", "1x1x32x128")
                .containsEntry("export.dynamicAxes", "0=batch,3=width");
        ExportSpec again = ExportSpec.fromLineage("m:1", lineage);
        assertThat(again.inputShape()).isEqualTo(spec.inputShape());
        assertThat(again.dynamicAxes()).isEqualTo(spec.dynamicAxes());
        assertThat(again.outputNames()).containsExactly("logits");
        assertThat(ExportSpec.of("x", "2x3x8x8", null, List.of(), List.of(), 13).inputShape()).containsExactly(2L, 3L, 8L, 8L);
    }

    @Test
    void exportSettingsThatCannotWorkAreRefusedInWords() {
        assertThatThrownBy(() -> ExportSpec.of("input", null, null, List.of(), List.of(), 17)).hasMessageContaining("--input-shape");
        assertThatThrownBy(() -> ExportSpec.of("input", "1x3xNx8", null, List.of(), List.of(), 17)).hasMessageContaining("1x3x224x224");
        assertThatThrownBy(() -> ExportSpec.of("input", null, GRAY_LINES, List.of("width"), List.of(), 17)).hasMessageContaining("AXIS=NAME");
        assertThatThrownBy(() -> ExportSpec.of("input", null, GRAY_LINES, List.of("4=w"), List.of(), 17)).hasMessageContaining("outside the input's 4 axes");
        assertThatThrownBy(() -> ExportSpec.of("input", null, GRAY_LINES, List.of(), List.of(), 25)).hasMessageContaining("outside 7..21");
    }

    @Test
    void aSourceMustSayWhatItIsAndAPrunedParentMustComeFromPyTorch() throws Exception {
        Path python = Files.writeString(work.resolve("net.py"), "import torch\n");
        Path archive = Files.write(work.resolve("net.pt"), new byte[] {1});
        assertThatThrownBy(() -> TorchSource.of(python, null, null)).hasMessageContaining("--class");
        assertThatThrownBy(() -> TorchSource.of(archive, "Net", null)).hasMessageContaining("TorchScript archive");
        assertThatThrownBy(() -> TorchSource.of(work.resolve("missing.pt"), null, null)).hasMessageContaining("No such model file");
        assertThatThrownBy(() -> TorchSource.of(python, "Net", work.resolve("missing-state.pt"))).hasMessageContaining("No such state dict");

        assertThatThrownBy(() -> TorchSource.fromLineage("ppocr-cls:1", Map.of()))
                .hasMessageContaining("ppocr-cls:1 was not exported from PyTorch").hasMessageContaining("without --finetune");
        Map<String, String> recorded = TorchSource.of(python, "Net", null).lineage();
        assertThat(TorchSource.fromLineage("net:1", recorded).className()).isEqualTo("Net");
        Files.delete(python);
        assertThatThrownBy(() -> TorchSource.fromLineage("net:1", recorded)).hasMessageContaining("which is gone");
    }

    @Test
    void helpShowsTheOptionsAndExamplesAndFineTuningNeedsItsOwnImages() {
        assertThat(cli.run("setup", "export", "--help")).isZero();
        assertThat(cli.out()).contains("--state-dict", "--dynamic-axis", "--tolerance", "--python", "FLINK_INFERENCE_PYTHON",
                "--size", "--labels", "Examples:");
        assertThat(cli.run("setup", "prune", "--help")).isZero();
        assertThat(cli.out()).contains("--finetune", "--finetune-samples", "--finetune-steps", "setup prune orientation --finetune");

        assertThat(cli.run("setup", "prune", "some-model", "--finetune", "--store", work.toString())).isEqualTo(1);
        assertThat(cli.out()).contains("--finetune needs --finetune-samples DIR");
        assertThat(cli.run("setup", "prune", "some-model", "--finetune-samples", work.toString(), "--store", work.toString())).isEqualTo(1);
        assertThat(cli.out()).contains("go with --finetune");
    }
}
