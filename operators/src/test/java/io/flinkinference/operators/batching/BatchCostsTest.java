package io.flinkinference.operators.batching;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What the batcher expects a batch to cost, from the batches it saw. */
class BatchCostsTest {
    @Test
    void knowsNothingBeforeTheFirstBatch() {
        assertThat(new BatchCosts(32).predictNanos(8)).isEqualTo(BatchCosts.UNKNOWN);
    }

    @Test
    void aSizeSeenIsAMovingAverageThatFollowsANewLevelWithinAFewBatches() {
        BatchCosts costs = new BatchCosts(8);
        costs.observe(4, 1_000);
        assertThat(costs.predictNanos(4)).isEqualTo(1_000);
        costs.observe(4, 2_000);
        assertThat(costs.predictNanos(4)).as("one slow batch moves it a quarter of the way").isEqualTo(1_250);
        for (int i = 0; i < 20; i++) {
            costs.observe(4, 2_000);
        }
        assertThat(costs.predictNanos(4)).isBetween(1_990L, 2_000L);
    }

    @Test
    void sizesNotSeenAreEstimatedFromTheirNeighboursErringLong() {
        BatchCosts costs = new BatchCosts(32);
        costs.observe(2, 2_000);
        costs.observe(6, 4_000);
        assertThat(costs.predictNanos(4)).as("on the line between 2 and 6").isEqualTo(3_000);
        assertThat(costs.predictNanos(12)).as("above: the largest seen size's cost per row").isEqualTo(8_000);
        assertThat(costs.predictNanos(1)).as("below: the smallest seen size's cost").isEqualTo(2_000);
        assertThat(costs.predictNanos(100)).as("beyond the max: the max").isEqualTo(costs.predictNanos(32));
    }

    @Test
    void ignoresWhatCannotBeABatch() {
        BatchCosts costs = new BatchCosts(4);
        costs.observe(0, 1_000);
        costs.observe(5, 1_000);
        costs.observe(2, -1);
        assertThat(costs.predictNanos(2)).isEqualTo(BatchCosts.UNKNOWN);
    }
}
