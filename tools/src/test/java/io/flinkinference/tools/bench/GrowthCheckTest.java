package io.flinkinference.tools.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntToLongFunction;

import static org.assertj.core.api.Assertions.assertThat;

/** The soak's verdict on made-up series of a 10-minute run sampled every 10 s (60 samples). */
class GrowthCheckTest {
    private static final long MIB = 1L << 20;
    private static final double RUN_SECONDS = 600;
    private static final int SAMPLES = 60;

    @Test
    void aFlatLevelWithNoiseDidNotGrow() {
        SplittableRandom random = new SplittableRandom(18);
        GrowthCheck.Verdict verdict = judge(i -> 200 * MIB + random.nextLong(2 * MIB));

        assertThat(verdict.outcome()).isEqualTo(GrowthCheck.Outcome.FLAT);
        assertThat(verdict.passed()).isTrue();
        assertThat(verdict.allowanceBytes()).isEqualTo(verdict.baselineBytes() / 20); // 5% of ~200 MiB beats the 8 MiB floor
        assertThat(verdict.message()).startsWith("heap flat:").contains("allowance 10.");
    }

    @Test
    void aSawtoothThatDoesNotRiseDidNotGrow() {
        // Up by 10 MiB a sample, back down every six samples: the first minute already saw its top.
        GrowthCheck.Verdict verdict = judge(i -> 100 * MIB + (i % 6) * 10 * MIB);

        assertThat(verdict.outcome()).isEqualTo(GrowthCheck.Outcome.FLAT);
        assertThat(verdict.baselineBytes()).isEqualTo(150 * MIB);
    }

    @Test
    void aSteadyLeakGrewAndTheMessageSaysByHowMuch() {
        // 1 MiB every sample: 59 MiB in ten minutes, on 100 MiB.
        GrowthCheck.Verdict verdict = judge(i -> 100 * MIB + i * MIB);

        assertThat(verdict.outcome()).isEqualTo(GrowthCheck.Outcome.GREW);
        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.baselineBytes()).isEqualTo(105 * MIB); // samples at 10..60 s
        assertThat(verdict.lateMedianBytes()).isEqualTo(149 * MIB + MIB / 2); // median of samples 40..59
        assertThat(verdict.allowanceBytes()).isEqualTo(8 * MIB);
        assertThat(verdict.message()).startsWith("heap GREW:").contains("149.5 MiB", "+44.5 MiB", "105.0 MiB", "first 60 s",
                "allowance 8.0 MiB");
    }

    @Test
    void aLeakJustWithinTheAllowanceIsNoise() {
        GrowthCheck.Verdict verdict = judge(i -> i < 40 ? 400 * MIB : 419 * MIB);

        assertThat(verdict.allowanceBytes()).isEqualTo(20 * MIB); // 5% of 400 MiB beats the 8 MiB floor
        assertThat(verdict.outcome()).isEqualTo(GrowthCheck.Outcome.FLAT);
        assertThat(judge(i -> i < 40 ? 400 * MIB : 421 * MIB).outcome()).isEqualTo(GrowthCheck.Outcome.GREW);
    }

    @Test
    void growthInsideTheFirstMinuteThenFlatIsWarmingUpNotGrowth() {
        GrowthCheck.Verdict verdict = judge(i -> i < 6 ? 50 * MIB + i * 10 * MIB : 100 * MIB);

        assertThat(verdict.outcome()).isEqualTo(GrowthCheck.Outcome.FLAT);
        assertThat(verdict.baselineBytes()).isEqualTo(100 * MIB);
    }

    @Test
    void growthAfterTheFirstMinuteIsGrowthEvenIfItThenStops() {
        GrowthCheck.Verdict verdict = judge(i -> i < 10 ? 100 * MIB : 150 * MIB);

        assertThat(verdict.outcome()).isEqualTo(GrowthCheck.Outcome.GREW);
    }

    @Test
    void aShortRunTakesItsBaselineOverItsFirstThird() {
        // 30 s sampled every 2 s: the baseline is the samples at 2 to 10 s, the warm-up a short soak must not judge.
        List<GrowthCheck.Point> series = new ArrayList<>();
        for (int i = 1; i <= 15; i++) {
            series.add(new GrowthCheck.Point(2.0 * i, (i <= 5 ? 60 + 5 * i : 85) * MIB));
        }
        GrowthCheck.Verdict verdict = GrowthCheck.judge("RSS", series, 30);

        assertThat(verdict.baselineSeconds()).isEqualTo(10.0);
        assertThat(verdict.baselineBytes()).isEqualTo(85 * MIB);
        assertThat(verdict.outcome()).isEqualTo(GrowthCheck.Outcome.FLAT);
        // A level reached after the first third is growth.
        series.set(14, new GrowthCheck.Point(30, 200 * MIB));
        series.set(13, new GrowthCheck.Point(28, 200 * MIB));
        series.set(12, new GrowthCheck.Point(26, 200 * MIB));
        assertThat(GrowthCheck.judge("RSS", series, 30).outcome()).isEqualTo(GrowthCheck.Outcome.GREW);
    }

    @Test
    void tooFewSamplesSaySoAndDoNotPass() {
        List<GrowthCheck.Point> series = List.of(new GrowthCheck.Point(10, MIB), new GrowthCheck.Point(20, 500 * MIB));

        GrowthCheck.Verdict verdict = GrowthCheck.judge("direct memory", series, 20);

        assertThat(verdict.outcome()).isEqualTo(GrowthCheck.Outcome.TOO_FEW_SAMPLES);
        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.message()).contains("direct memory: too few samples to judge (2; at least 6)");
    }

    @Test
    void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertThat(GrowthCheck.median(List.of(4L, 1L, 3L, 2L))).isEqualTo(2L);
        assertThat(GrowthCheck.median(List.of(5L, 1L, 3L))).isEqualTo(3L);
    }

    private static GrowthCheck.Verdict judge(IntToLongFunction level) {
        List<GrowthCheck.Point> series = new ArrayList<>();
        for (int i = 0; i < SAMPLES; i++) {
            series.add(new GrowthCheck.Point(10.0 * (i + 1), level.applyAsLong(i)));
        }
        return GrowthCheck.judge("heap", series, RUN_SECONDS);
    }
}
