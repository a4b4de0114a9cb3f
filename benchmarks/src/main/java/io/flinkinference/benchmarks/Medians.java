package io.flinkinference.benchmarks;

import java.util.Arrays;

/** Medians of per-round figures: robust to the one round a noisy neighbour spoiled. */
public final class Medians {
    private Medians() {}

    public static double of(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
