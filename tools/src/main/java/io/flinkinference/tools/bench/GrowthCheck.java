package io.flinkinference.tools.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether a level sampled over a soak grew: the verdict of {@code bench --soak}, kept apart from
 * any measuring so that it can be tested on made-up series. The baseline is the highest level of
 * the first minute (of the first third, for runs shorter than three minutes), so that whatever the
 * process takes on while it warms up (the model's arenas, JIT code, Flink's buffers) is not
 * counted as growth. A third, not a tenth: in 20 s soaks of the classifier on a 2-core machine
 * RSS climbed for the first 8 s (683 to 722 MiB) and then stayed within 10 MiB, so a baseline of
 * the first 2 s judged every short soak by its warm-up. The level late in the run is the median of the last third of the samples,
 * so that one high sample (a GC that had not run yet, a burst of records in flight) is not
 * either. It grew when that median is above the baseline by more than the noise allowance,
 * {@value #NOISE_PERCENT}% of the baseline or {@value #NOISE_FLOOR_MIB} MiB, whichever is more.
 */
public final class GrowthCheck {
    /** Fewer samples than this leave the baseline or the last third too thin to be told apart. */
    public static final int MIN_SAMPLES = 6;
    /** The longest baseline window: the goal of issue 18 is "no growth beyond the first minute's level". */
    public static final double BASELINE_SECONDS = 60;
    static final int NOISE_PERCENT = 5;
    static final int NOISE_FLOOR_MIB = 8;
    private static final long MIB = 1L << 20;

    private GrowthCheck() {}

    /** One sampled level, {@code seconds} after the soak started. */
    public record Point(double seconds, long bytes) {}

    public enum Outcome { FLAT, GREW, TOO_FEW_SAMPLES }

    /**
     * @param baselineBytes the highest level in the baseline window
     * @param lateMedianBytes the median level of the last third of the samples
     * @param allowanceBytes how far above the baseline the late level may be and still be noise
     */
    public record Verdict(String metric, Outcome outcome, int samples, double baselineSeconds, long baselineBytes,
            long lateMedianBytes, long allowanceBytes, String message) {
        public boolean passed() {
            return outcome == Outcome.FLAT;
        }
    }

    /** How many seconds from the start the baseline is taken over, for a run of {@code runSeconds}. */
    public static double baselineSeconds(double runSeconds) {
        return Math.min(BASELINE_SECONDS, runSeconds / 3);
    }

    /** The noise a late level may be above {@code baselineBytes}. */
    public static long allowance(long baselineBytes) {
        return Math.max(baselineBytes * NOISE_PERCENT / 100, NOISE_FLOOR_MIB * MIB);
    }

    /** A human-readable statement of the rule, for the report's footnote. */
    public static String rule() {
        return "baseline: the highest level in the first minute (first third of shorter runs); grew: the last third's median "
                + "above it by more than max(" + NOISE_PERCENT + "%, " + NOISE_FLOOR_MIB + " MiB)";
    }

    /** Judges {@code series} (in sampling order) of a run meant to last {@code runSeconds}. */
    public static Verdict judge(String metric, List<Point> series, double runSeconds) {
        int n = series.size();
        double window = baselineSeconds(runSeconds);
        if (n < MIN_SAMPLES) {
            return new Verdict(metric, Outcome.TOO_FEW_SAMPLES, n, window, -1, -1, -1, String.format(
                    "%s: too few samples to judge (%d; at least %d): run longer or sample more often", metric, n, MIN_SAMPLES));
        }
        int lateFrom = n - (n + 2) / 3; // the last third, rounded up
        // The baseline is every sample inside its window, and at least the first, never reaching into the last third.
        long baseline = series.get(0).bytes();
        for (int i = 1; i < lateFrom && series.get(i).seconds() <= window; i++) {
            baseline = Math.max(baseline, series.get(i).bytes());
        }
        List<Long> late = new ArrayList<>();
        series.subList(lateFrom, n).forEach(point -> late.add(point.bytes()));
        long median = median(late);
        long allowance = allowance(baseline);
        boolean grew = median - baseline > allowance;
        String figures = String.format("last third's median %s is %+.1f MiB from the baseline %s (the highest in the first %.0f s); "
                + "allowance %s", mib(median), (median - baseline) / (double) MIB, mib(baseline), window, mib(allowance));
        return new Verdict(metric, grew ? Outcome.GREW : Outcome.FLAT, n, window, baseline, median, allowance,
                metric + (grew ? " GREW: " : " flat: ") + figures);
    }

    static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    /** Bytes as MiB with one decimal; negative differences keep their sign. */
    public static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / (double) MIB);
    }
}
