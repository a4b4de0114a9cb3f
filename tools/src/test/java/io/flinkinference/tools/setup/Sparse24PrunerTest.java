package io.flinkinference.tools.setup;

import ai.onnx.proto.OnnxMl;
import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.manifest.Manifest;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class Sparse24PrunerTest extends SetupTestSupport {
    @Test
    void everyPrunedWeightHasTwoZerosInEveryGroupOfFour() throws Exception {
        OnnxMl.ModelProto model = OnnxMl.ModelProto.parseFrom(store.resolve(ModelRef.parse("ppocr-cls")).readModel());

        Sparse24Pruner.Result result = Sparse24Pruner.prune(model);

        assertThat(result.prunedCount()).isGreaterThan(30);
        assertThat(result.layers()).filteredOn(l -> !l.pruned()).allSatisfy(l -> assertThat(l.note()).contains("not a multiple of 4"));
        Map<String, OnnxMl.TensorProto> constants = new HashMap<>();
        result.model().getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Constant"))
                .forEach(n -> constants.put(n.getOutput(0), n.getAttribute(0).getT()));
        for (Sparse24Pruner.Layer layer : result.layers()) {
            if (!layer.pruned()) {
                continue;
            }
            float[] values = Sparse24Pruner.floats(constants.get(layer.weight()));
            int[] groups = {0};
            Sparse24Pruner.forEachGroup(layer.shape(), layer.axis(), group -> {
                int zeros = 0;
                for (int index : group) {
                    zeros += values[index] == 0f ? 1 : 0;
                }
                assertThat(zeros).as("%s group %s", layer.weight(), java.util.Arrays.toString(group)).isGreaterThanOrEqualTo(2);
                groups[0]++;
            });
            assertThat(groups[0] * 4L).isEqualTo(values.length);
        }
    }

    @Test
    void theGateRefusesThePrunedModelAboveWhatItReaches() {
        // Magnitude pruning without fine-tuning: far from the default 97%.
        assertThat(run("setup", "prune", "ppocr-cls", "--rendered-lines", "64", "--speed-seconds", "0.1", "--store", root.toString()))
                .isEqualTo(1);
        assertThat(cli.out()).contains("refused: top-1 agreement").contains("required 97.00%").contains("missed by")
                .contains("Nothing was published.");
        SummaryTable.last(cli.out()).assertMeasured(); // a refused variant's table still says what it would have bought
        assertThat(store.models()).doesNotContain("ppocr-cls-sparse24");

        // Accepting any agreement publishes it, with the figures in its lineage ...
        assertThat(run("setup", "prune", "ppocr-cls", "--rendered-lines", "64", "--min-agreement", "0", "--no-speed", "--store", root.toString())).isZero();
        Manifest pruned = store.resolve(ModelRef.parse("ppocr-cls-sparse24")).manifest();
        assertThat(pruned.lineage().transforms()).containsExactly("prune-2:4");
        assertThat(pruned.lineage().attributes()).containsEntry("tensorrt.sparseWeights", "true");
        double reached = Double.parseDouble(pruned.lineage().attributes().get("validation.agreement"));
        assertThat(reached).isLessThan(1.0);

        // ... and a threshold just above what it reached refuses it again.
        assertThat(run("setup", "prune", "ppocr-cls", "--rendered-lines", "64", "--name", "again",
                "--min-agreement", Double.toString(Math.min(1.0, reached + 0.01)), "--no-speed", "--store", root.toString())).isEqualTo(1);
        assertThat(cli.out()).contains("missed by 1.00 points");
        assertThat(store.models()).doesNotContain("again");
    }

}
