package io.flinkinference.operators.batching;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The batching policy on its own: when to cut, and how many. */
class BatchingConfigTest {
    private static final long MS = 1_000_000;

    @Test
    void cutsAtMaxBatchSizeRegardlessOfTheDelay() {
        BatchingConfig config = new BatchingConfig(8, 10_000, null, 1);
        assertThat(config.cutSize(8, 0)).isEqualTo(8);
        assertThat(config.cutSize(20, 0)).isEqualTo(8);
    }

    @Test
    void workConservingTakesWhatIsQueuedAtOnceBelowThePreferredSizes() {
        BatchingConfig config = new BatchingConfig(32, 10_000, new int[] {8, 16}, 1);
        assertThat(config.workConserving()).as("the default").isTrue();
        assertThat(config.cutSize(1, 0)).isEqualTo(1);
        assertThat(config.cutSize(7, 0)).isEqualTo(7);
        assertThat(config.cutSize(0, 0)).isZero();
        // A preferred size that fits still wins over taking everything.
        assertThat(config.cutSize(10, 0)).isEqualTo(8);
        assertThat(config.cutSize(40, 0)).isEqualTo(32);
    }

    @Test
    void waitsForTheDelayThenTakesWhatIsQueued() {
        BatchingConfig config = new BatchingConfig(8, 10_000, null, 1, false);
        assertThat(config.cutSize(5, 9 * MS)).isZero();
        assertThat(config.cutSize(5, 10 * MS)).isEqualTo(5);
        assertThat(config.cutSize(0, 50 * MS)).isZero();
    }

    @Test
    void cutsTheLargestPreferredSizeThatFitsAtOnce() {
        BatchingConfig config = new BatchingConfig(32, 10_000, new int[] {16, 4, 8}, 1).withWorkConserving(false);
        assertThat(config.cutSize(3, 0)).isZero();
        assertThat(config.cutSize(4, 0)).isEqualTo(4);
        assertThat(config.cutSize(7, 0)).isEqualTo(4);
        assertThat(config.cutSize(15, 0)).isEqualTo(8);
        assertThat(config.cutSize(31, 0)).isEqualTo(16);
        assertThat(config.cutSize(40, 0)).isEqualTo(32);
        assertThat(config.cutSize(3, 10 * MS)).isEqualTo(3);
    }

    @Test
    void warmsUpThePreferredSizesAndTheLargest() {
        assertThat(new BatchingConfig(32, 10_000, new int[] {16, 8}, 1).warmUpBatchSizes()).containsExactly(8, 16, 32);
    }

    @Test
    void withoutPreferredSizesWarmsUpEveryPowerOfTwoUpToTheLargest() {
        assertThat(new BatchingConfig(48, 10_000, null, 1).warmUpBatchSizes()).containsExactly(1, 2, 4, 8, 16, 32, 48);
        assertThat(new BatchingConfig(1, 10_000, null, 1).warmUpBatchSizes()).containsExactly(1);
    }

    @Test
    void zeroDelaySendsWhateverIsQueued() {
        assertThat(new BatchingConfig(8, 0, null, 1, false).cutSize(1, 0)).isEqualTo(1);
    }

    @Test
    void workConservingIsPartOfTheIdentitySoBatchersOfBothKindsAreNotShared() {
        BatchingConfig on = new BatchingConfig(8, 0, null, 1);
        assertThat(on).isEqualTo(new BatchingConfig(8, 0, null, 1, true)).hasSameHashCodeAs(new BatchingConfig(8, 0, null, 1, true));
        assertThat(on).isNotEqualTo(on.withWorkConserving(false));
        assertThat(on.withWorkConserving(false).toString()).contains("max queue delay 0 us");
    }

    @Test
    void rejectsInconsistentSettingsNamingThem() {
        assertThatThrownBy(() -> new BatchingConfig(0, 0, null, 1)).hasMessageContaining("max batch size");
        assertThatThrownBy(() -> new BatchingConfig(8, -1, null, 1)).hasMessageContaining("max queue delay");
        assertThatThrownBy(() -> new BatchingConfig(8, 0, new int[] {16}, 1))
                .hasMessageContaining("preferred batch size 16");
        assertThatThrownBy(() -> new BatchingConfig(8, 0, null, 0)).hasMessageContaining("in-flight");
    }

    @Test
    void withALatencyTargetRecordsWaitForCompanyOnlyAsLongAsTheirBatchStillMakesIt() {
        BatchingConfig config = new BatchingConfig(8, 10_000, null, 1).withLatencyTarget(java.time.Duration.ofMillis(20));
        BatchCosts costs = new BatchCosts(8);
        costs.observe(4, 6 * MS);

        // A batch of 4 is expected to run 6 ms, so its oldest record may wait up to 14 ms.
        assertThat(config.nanosUntilDue(4, 10 * MS, costs)).isEqualTo(4 * MS);
        assertThat(config.cutSize(4, 10 * MS, costs)).isZero();
        assertThat(config.cutSize(4, 14 * MS, costs)).isEqualTo(4);
        // Without the target, work-conserving would have cut at once.
        assertThat(config.withLatencyTarget(java.time.Duration.ZERO).cutSize(4, 10 * MS, costs)).isEqualTo(4);
        // More records make a longer batch, so they are due sooner: 7 rows at 1.5 ms a row run 10.5 ms.
        assertThat(config.cutSize(7, 10 * MS, costs)).isEqualTo(7);
        assertThat(config.cutSize(8, 0, costs)).as("a full batch never waits").isEqualTo(8);
    }

    @Test
    void aLatencyTargetCutsAtOnceBeforeAnyRunTimeIsKnownAndWhenABatchCannotMakeItAnyway() {
        BatchingConfig config = new BatchingConfig(8, 10_000, null, 1).withLatencyTarget(java.time.Duration.ofMillis(5));
        assertThat(config.cutSize(3, 0, new BatchCosts(8))).as("nothing seen yet").isEqualTo(3);
        assertThat(config.cutSize(3, 0, null)).isEqualTo(3);

        BatchCosts slow = new BatchCosts(8);
        slow.observe(1, 9 * MS);
        assertThat(config.cutSize(1, 0, slow)).as("one record alone takes longer than the target").isEqualTo(1);
        assertThat(config.cutSize(0, 0, slow)).isZero();
    }

    @Test
    void aLatencyTargetReplacesTheQueueDelayAndIsValidated() {
        BatchingConfig target = new BatchingConfig(8, 1_000, null, 1, false).withLatencyTarget(java.time.Duration.ofMillis(50));
        BatchCosts costs = new BatchCosts(8);
        costs.observe(2, MS);
        // Past the 1 ms delay, yet the 50 ms target lets the pair wait for more.
        assertThat(target.cutSize(2, 5 * MS, costs)).isZero();
        assertThat(target.toString()).contains("latency target 50000 us");
        assertThat(target).isNotEqualTo(target.withLatencyTarget(java.time.Duration.ZERO));
        assertThat(target.withWorkConserving(true).latencyTargetMicros()).as("kept by the other wither").isEqualTo(50_000);
        assertThatThrownBy(() -> new BatchingConfig(8, 0, null, 1, true, -1))
                .hasMessageContaining("latency target must not be negative");
    }

    @Test
    void aCapFromFittingKeepsEveryOtherSettingAndDropsPreferredSizesAboveIt() {
        BatchingConfig config = new BatchingConfig(32, 700, new int[] {8, 16, 32}, 3, false)
                .withLatencyTarget(java.time.Duration.ofMillis(25));
        BatchingConfig capped = config.withMaxBatchSize(16);
        assertThat(capped.maxBatchSize()).isEqualTo(16);
        assertThat(capped.preferredBatchSizes()).containsExactly(8, 16);
        assertThat(capped.maxQueueDelayMicros()).isEqualTo(700);
        assertThat(capped.maxInflightBatches()).isEqualTo(3);
        assertThat(capped.workConserving()).isFalse();
        assertThat(capped.latencyTargetMicros()).isEqualTo(25_000);
    }
}
