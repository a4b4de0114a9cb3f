package io.flinkinference.tools.setup;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The decision on given figures, apart from any timing: the same every run on every machine. */
class SpeedRequirementTest {
    private static final SpeedRequirement NO_SLOWER = new SpeedRequirement(1.0, "--min-speedup", "Try the TensorRT form.");

    @Test
    void aVariantSlowerThanItsParentIsRefusedWithBothFiguresTheRatioAndWhatToTry() {
        SpeedComparison.Result slower = measured(673, 501);
        assertThat(NO_SLOWER.refusal(slower)).hasValueSatisfying(message -> assertThat(message)
                .contains("501.0 images/s against the parent's 673.0", "(batch 8)", "0.74x, below the required 1.00x",
                        "To publish it anyway, pass --min-speedup 0.", "Try the TensorRT form."));
        assertThat(NO_SLOWER.unchecked(slower)).isEmpty();
    }

    @Test
    void aVariantAtLeastAsFastPassesAndNoRequirementPassesAnything() {
        assertThat(NO_SLOWER.refusal(measured(35.6, 51.8))).isEmpty();
        assertThat(NO_SLOWER.refusal(measured(100, 100))).as("exactly the required ratio").isEmpty();
        assertThat(new SpeedRequirement(1.5, "--min-speedup", "").refusal(measured(35.6, 51.8)))
                .hasValueSatisfying(message -> assertThat(message).contains("1.46x, below the required 1.50x").endsWith("--min-speedup 0."));
        SpeedRequirement off = new SpeedRequirement(0, "--min-speedup", "");
        assertThat(off.refusal(measured(673, 1))).isEmpty();
        assertThat(SpeedRequirement.NONE.refusal(measured(673, 1))).isEmpty();
    }

    @Test
    void withoutAMeasurementNothingIsRefusedButTheOutputSaysNothingCheckedTheSpeed() {
        SpeedComparison.Result notMeasured = SpeedComparison.Result.notMeasured("--no-speed");
        assertThat(NO_SLOWER.refusal(notMeasured)).isEmpty();
        assertThat(NO_SLOWER.unchecked(notMeasured)).hasValue("Speed not checked: nothing measured it (--no-speed), so nothing "
                + "checked that the variant is at least 1.00x its parent (--min-speedup).");
        assertThat(SpeedRequirement.NONE.unchecked(notMeasured)).as("no requirement, nothing to say").isEmpty();
    }

    private static SpeedComparison.Result measured(double parent, double variant) {
        return new SpeedComparison.Result(8, parent, variant, "onnxruntime", "onnxruntime", Duration.ofSeconds(1), null);
    }
}
