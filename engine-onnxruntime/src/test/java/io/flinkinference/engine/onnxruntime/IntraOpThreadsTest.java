package io.flinkinference.engine.onnxruntime;

import io.flinkinference.operators.engine.ConcurrentBatches;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class IntraOpThreadsTest {
    private static final ConcurrentBatches ONE_SLOT_TWO_IN_FLIGHT = new ConcurrentBatches(1, 2, "test");

    @Test
    void dividesTheCoresAmongTheBatchesThatMayRunAtOnce() {
        assertThat(IntraOpThreads.choose(Optional.empty(), 16, new ConcurrentBatches(2, 2, "test")).threads()).isEqualTo(4);
        assertThat(IntraOpThreads.choose(Optional.empty(), 2, ONE_SLOT_TWO_IN_FLIGHT).threads()).isEqualTo(1);
        // 7 cores for 2 batches: rounding down keeps the sum within the cores.
        assertThat(IntraOpThreads.choose(Optional.empty(), 7, ONE_SLOT_TWO_IN_FLIGHT).threads()).isEqualTo(3);
    }

    @Test
    void neverGoesBelowOneThread() {
        IntraOpThreads chosen = IntraOpThreads.choose(Optional.empty(), 2, new ConcurrentBatches(4, 2, "test"));
        assertThat(chosen.threads()).isEqualTo(1);
        assertThat(chosen.toString()).isEqualTo("1, 2 cores / (4 slot(s) (test) x 2 batch(es) in flight)");
    }

    @Test
    void theUsersSettingWinsAndZeroStillMeansOnnxRuntimesChoice() {
        assertThat(IntraOpThreads.choose(Optional.of(3), 16, ONE_SLOT_TWO_IN_FLIGHT).threads()).isEqualTo(3);
        IntraOpThreads auto = IntraOpThreads.choose(Optional.of(0), 16, ONE_SLOT_TWO_IN_FLIGHT);
        assertThat(auto.threads()).isZero();
        assertThat(auto.why()).contains("onnxruntime.intra-op-threads");
    }

    @Test
    void anEngineOpenedForOneCallerLeavesTheChoiceToOnnxRuntime() {
        assertThat(IntraOpThreads.choose(Optional.empty(), 16, null).threads()).isZero();
    }
}
