package io.flinkinference.operators.engine;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConcurrentBatchesTest {

    @Test
    void theTaskManagersConfiguredSlotsWinOverTheParallelism() {
        ConcurrentBatches batches = ConcurrentBatches.of(Optional.of(4), 16, 2);
        assertThat(batches.total()).isEqualTo(8);
        assertThat(batches.toString()).contains("4 slot(s) (taskmanager.numberOfTaskSlots) x 2");
    }

    @Test
    void withoutAConfiguredSlotCountTheParallelismStandsInForIt() {
        ConcurrentBatches batches = ConcurrentBatches.of(Optional.empty(), 3, 2);
        assertThat(batches.slots()).isEqualTo(3);
        assertThat(batches.total()).isEqualTo(6);
        assertThat(batches.slotsSource()).contains("parallelism");
    }

    @Test
    void refusesCountsBelowOne() {
        assertThatThrownBy(() -> new ConcurrentBatches(0, 2, "test")).hasMessageContaining("at least 1");
    }
}
