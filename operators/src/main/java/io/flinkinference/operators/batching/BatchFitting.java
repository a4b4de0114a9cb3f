package io.flinkinference.operators.batching;

import java.io.Serializable;
import java.time.Duration;

/**
 * Whether a batcher caps its max batch size at the knee of the engine's throughput curve, measured
 * when it opens ({@link BatchLimitFitter}), and how long that measuring may take. Kept apart from
 * {@link BatchingConfig}, which is the policy the batcher runs: this says how to choose one of its
 * numbers.
 */
public record BatchFitting(boolean enabled, Duration budget) implements Serializable {
    public static final BatchFitting OFF = new BatchFitting(false, Duration.ofSeconds(2));

    public BatchFitting {
        if (budget.isNegative() || budget.isZero()) {
            throw new IllegalArgumentException("The fitting budget must be positive, not " + budget);
        }
    }
}
