package io.flinkinference.tools.setup;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HalfFloatTest {
    @Test
    void convertsKnownValues() {
        assertThat(HalfFloat.fromFloat(1.0f)).isEqualTo((short) 0x3c00);
        assertThat(HalfFloat.fromFloat(-2.0f)).isEqualTo((short) 0xc000);
        assertThat(HalfFloat.fromFloat(65504f)).isEqualTo((short) 0x7bff);      // largest half
        assertThat(HalfFloat.fromFloat(1e6f)).isEqualTo((short) 0x7c00);        // overflow: infinity
        assertThat(HalfFloat.fromFloat(5.9604645e-8f)).isEqualTo((short) 0x0001); // smallest subnormal
        assertThat(HalfFloat.fromFloat(0f)).isEqualTo((short) 0);
        assertThat(Float.isNaN(HalfFloat.toFloat(HalfFloat.fromFloat(Float.NaN)))).isTrue();
    }

    @Test
    void roundTripsWithinHalfPrecision() {
        for (float value = -70000f; value < 70000f; value += 13.37f) {
            float back = HalfFloat.toFloat(HalfFloat.fromFloat(value));
            // Values below 65520 round to the largest half, 65504; from 65520 on they overflow.
            if (Math.abs(value) < 65520f) {
                assertThat(Math.abs(back - value)).as("%s", value).isLessThanOrEqualTo(Math.ulp(value) * 4096 + 1e-7f);
            } else {
                assertThat(Float.isInfinite(back)).isTrue();
            }
        }
        // Ties go to even: 1 + 2^-11 lies halfway between 1 and 1 + 2^-10.
        assertThat(HalfFloat.fromFloat(1f + 0x1p-11f)).isEqualTo((short) 0x3c00);
        assertThat(HalfFloat.fromFloat(1f + 0x1p-11f + 0x1p-20f)).isEqualTo((short) 0x3c01);
    }
}
