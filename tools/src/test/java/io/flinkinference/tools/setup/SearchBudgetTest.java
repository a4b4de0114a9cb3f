package io.flinkinference.tools.setup;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SearchBudgetTest {
    @Test
    void refusesZeroAndStartsNoStepThatWouldEndAfterItsPhase() {
        assertThatThrownBy(() -> SearchBudget.startingNow(Duration.ZERO)).hasMessageContaining("must be positive");
        assertThat(SearchBudget.startingNow(Duration.ofSeconds(3)).canMeasureAnother(Duration.ofSeconds(3).toNanos()))
                .as("a step longer than the measuring phase (2 of 3 s) is not started").isFalse();
        assertThat(SearchBudget.startingNow(Duration.ofSeconds(3)).canTryAnother(Duration.ofSeconds(1).toNanos())).isTrue();
    }
}
