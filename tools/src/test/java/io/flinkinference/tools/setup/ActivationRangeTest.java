package io.flinkinference.tools.setup;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ActivationRangeTest {
    @Test
    void uint8CoversTheRangeAndMapsZeroOntoACode() {
        ActivationRange range = new ActivationRange(-1f, 3f, 3f);
        assertThat(range.uint8Scale()).isCloseTo(4f / 255, within(1e-7f));
        assertThat(range.uint8ZeroPoint()).isEqualTo(64); // -(-1) / (4/255) = 63.75, rounded
        // The extremes land inside [0, 255] after rounding.
        assertThat(Math.round(-1f / range.uint8Scale()) + range.uint8ZeroPoint()).isBetween(0, 255);
        assertThat(Math.round(3f / range.uint8Scale()) + range.uint8ZeroPoint()).isBetween(0, 255);
    }

    @Test
    void aRangeThatMissesZeroIsWidenedToHoldIt() {
        ActivationRange positive = new ActivationRange(0.5f, 2f, 2f);
        assertThat(positive.low()).isZero();
        assertThat(positive.uint8ZeroPoint()).isZero();
        ActivationRange negative = new ActivationRange(-2f, -0.5f, 2f);
        assertThat(negative.high()).isZero();
        assertThat(negative.uint8ZeroPoint()).isEqualTo(255);
    }

    @Test
    void theSymmetricFormKeepsItsOwnMagnitude() {
        assertThat(new ActivationRange(-1f, 3f, 2.5f).symmetricInt8Scale()).isCloseTo(2.5f / 127, within(1e-7f));
        assertThat(new ActivationRange(0f, 0f, 0f).symmetricInt8Scale()).isPositive();
        assertThat(new ActivationRange(0f, 0f, 0f).uint8Scale()).isPositive();
    }
}
