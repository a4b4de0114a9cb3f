package io.flinkinference.cli;

import java.util.ArrayList;
import java.util.List;

/** The latencies a demo has seen, in milliseconds, for its percentiles: every sample kept, since a demo sees thousands, not millions. */
final class LatencySamples {
    private final List<Long> millis = new ArrayList<>();

    void add(long latencyMillis) {
        millis.add(latencyMillis);
    }

    /** The {@code p}-th quantile (0 to 1) of what was added, the nearest sample at or below it; 0 when nothing was. */
    long percentile(double p) {
        if (millis.isEmpty()) {
            return 0;
        }
        List<Long> sorted = new ArrayList<>(millis);
        sorted.sort(null);
        return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size())));
    }
}
