package io.flinkinference.operators.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConcurrentBatchesTest {

    @Test
    void theTaskManagersConfiguredSlotsWinOverTheParallelism() {
        ConcurrentBatches batches = ConcurrentBatches.of(Optional.of(4), 16, 2, "unused");
        assertThat(batches.total()).isEqualTo(8);
        assertThat(batches.toString()).contains("4 slot(s) (taskmanager.numberOfTaskSlots) x 2");
    }

    @Test
    void withoutAConfiguredSlotCountTheParallelismStandsInForIt() {
        ConcurrentBatches batches = ConcurrentBatches.of(Optional.empty(), 3, 2, "no FLINK_CONF_DIR");
        assertThat(batches.slots()).isEqualTo(3);
        assertThat(batches.total()).isEqualTo(6);
        assertThat(batches.slotsSource()).isEqualTo("the operator's parallelism, no FLINK_CONF_DIR");
    }

    @Test
    void readsTheSlotsFromTheFlinkConfigurationDirectory(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), "taskmanager:\n  numberOfTaskSlots: 4\n");
        ConcurrentBatches batches = ConcurrentBatches.fromConfDir(dir.toString(), 16, 2);
        assertThat(batches.slots()).isEqualTo(4);
        assertThat(batches.slotsSource()).isEqualTo("taskmanager.numberOfTaskSlots");
    }

    @Test
    void aConfigurationWithoutSlotsOrNoneAtAllLeavesTheParallelismAndSaysWhy(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), "parallelism:\n  default: 3\n");
        assertThat(ConcurrentBatches.fromConfDir(dir.toString(), 5, 2).slotsSource()).contains("names no slots");
        assertThat(ConcurrentBatches.fromConfDir(dir.resolve("missing").toString(), 5, 2).slotsSource())
                .contains("cannot be read");
        assertThat(ConcurrentBatches.fromConfDir(null, 5, 2).slots()).isEqualTo(5);
    }

    @Test
    void refusesCountsBelowOne() {
        assertThatThrownBy(() -> new ConcurrentBatches(0, 2, "test")).hasMessageContaining("at least 1");
    }
}
