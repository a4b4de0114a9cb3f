package io.flinkinference.benchmarks.peers;

import java.util.Locale;
import java.util.OptionalDouble;

/** How the report writes numbers: as precise as the noise of a shared machine allows, never more. */
final class Figures {
    static final String NOT_MEASURED = "not measured";

    private Figures() {}

    static String rate(double recordsPerSecond) {
        return String.format(Locale.ROOT, recordsPerSecond >= 100 ? "%.0f" : "%.1f", recordsPerSecond);
    }

    static String millis(double millis) {
        return String.format(Locale.ROOT, millis >= 10 ? "%.1f" : "%.2f", millis);
    }

    static String percent(double ratio) {
        return String.format(Locale.ROOT, "%.0f%%", 100 * ratio);
    }

    static String times(double ratio) {
        return String.format(Locale.ROOT, "%.2fx", ratio);
    }

    static String megabytes(double mb) {
        return String.format(Locale.ROOT, "%.0f", mb);
    }

    static String cpu(double millisPerRecord) {
        return String.format(Locale.ROOT, millisPerRecord >= 10 ? "%.1f" : "%.2f", millisPerRecord);
    }

    static String or(OptionalDouble value, java.util.function.DoubleFunction<String> format) {
        return value.isPresent() ? format.apply(value.getAsDouble()) : NOT_MEASURED;
    }
}
