package io.flinkinference.tools.setup;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class NodeSensitivityTest {

    @Test
    void nodesThatChangeAnswersComeFirstAndTheMeanDifferenceOrdersTheRest() {
        List<Int8Tuning.NodeSensitivity> nodes = new ArrayList<>(List.of(
                new Int8Tuning.NodeSensitivity("large-diff-no-change", 0.0, 3e-5),
                new Int8Tuning.NodeSensitivity("changes-few", 0.01, 1e-6),
                new Int8Tuning.NodeSensitivity("small-diff-no-change", 0.0, 1e-5),
                new Int8Tuning.NodeSensitivity("changes-many", 0.2, 2e-6)));
        nodes.sort(Int8Tuning.NodeSensitivity.MOST_SENSITIVE_FIRST);
        assertThat(nodes).extracting(Int8Tuning.NodeSensitivity::node)
                .containsExactly("changes-many", "changes-few", "large-diff-no-change", "small-diff-no-change");
    }
}
