package io.flinkinference.operators.engine;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskManagerGpusTest {
    private final TaskManagerGpus gpus = new TaskManagerGpus();

    @Test
    void eachTaskManagerSpreadsItsOwnSubtasksOverItsGpus() {
        assertThat(gpus.claim("tm-a", List.of(0, 1))).isZero();
        assertThat(gpus.claim("tm-b", List.of(0, 1))).as("tm-a's claims leave tm-b's GPUs free").isZero();
        assertThat(gpus.claim("tm-a", List.of(0, 1))).isEqualTo(1);
        assertThat(gpus.claim("tm-a", List.of(0, 1))).as("more subtasks than GPUs: they double up evenly").isZero();
        assertThat(gpus.claim("tm-b", List.of(0, 1))).isEqualTo(1);
    }

    @Test
    void aReleasedGpuIsTheNextOneGiven() {
        gpus.claim("tm", List.of(4, 6));
        gpus.claim("tm", List.of(4, 6));
        gpus.release("tm", 4);

        assertThat(gpus.holders("tm", 4)).isZero();
        assertThat(gpus.claim("tm", List.of(4, 6))).isEqualTo(4);
    }

    @Test
    void aTaskManagerWithoutGpusIsAnError() {
        assertThatThrownBy(() -> gpus.claim("tm", List.of())).hasMessageContaining("has no GPU");
    }
}
