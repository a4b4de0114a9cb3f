package io.flinkinference.tools.setup;

import java.util.Optional;

/**
 * The least speedup over its parent a variant must show, on this machine, to be published: for
 * variants that exist only for speed (the CPU INT8 form), where one slower than its parent is
 * worse in every respect. The decision is kept apart from the timing ({@link SpeedComparison}) so
 * that it can be checked on given figures.
 *
 * @param minSpeedup the least variant/parent ratio of images/s; 0 or less: no requirement
 * @param option the command's option that sets it, for the messages
 * @param alternatives what else to try when a variant is too slow, a sentence, or empty
 */
record SpeedRequirement(double minSpeedup, String option, String alternatives) {
    static final SpeedRequirement NONE = new SpeedRequirement(0, "", "");

    boolean active() {
        return minSpeedup > 0;
    }

    /** Why the variant may not be published, when it measured slower than required; empty when it may. */
    Optional<String> refusal(SpeedComparison.Result speed) {
        if (!active() || !speed.measured() || speed.speedup() >= minSpeedup) {
            return Optional.empty();
        }
        return Optional.of(String.format("refused on speed: the variant ran %.1f images/s against the parent's %.1f on this "
                + "machine (batch %d), %.2fx, below the required %.2fx (%s); it exists only to be faster. To publish it anyway, pass "
                + "%s 0.%s", speed.recordsPerSecond(), speed.parentRecordsPerSecond(), speed.batchSize(), speed.speedup(),
                minSpeedup, option, option, alternatives.isEmpty() ? "" : " " + alternatives));
    }

    /** When a requirement was set but nothing measured the speed: a line saying that nothing checked it. */
    Optional<String> unchecked(SpeedComparison.Result speed) {
        if (!active() || speed.measured()) {
            return Optional.empty();
        }
        return Optional.of(String.format("Speed not checked: nothing measured it (%s), so nothing checked that the variant is at "
                + "least %.2fx its parent (%s).", speed.notMeasured(), minSpeedup, option));
    }
}
