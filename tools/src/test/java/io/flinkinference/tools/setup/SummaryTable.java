package io.flinkinference.tools.setup;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The speed cells of the table a setup step ends with (the last table in {@code output}), found by their headers. */
record SummaryTable(String parentImagesPerSecond, String variantImagesPerSecond, String variantSpeedup, String footnote) {

    static SummaryTable last(String output) {
        List<String> lines = output.lines().toList();
        int header = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("|") && lines.get(i).contains("PRECISION")) {
                header = i;
            }
        }
        assertThat(header).as("a summary table in:%n%s", output).isNotNegative();
        List<String> headers = cells(lines.get(header));
        assertThat(headers).contains("IMG/S", "SPEEDUP");
        List<String> parent = cells(lines.get(header + 2)); // after the header's rule
        List<String> variant = cells(lines.get(header + 3));
        assertThat(parent.get(0)).isEqualTo("parent");
        int images = headers.indexOf("IMG/S");
        return new SummaryTable(parent.get(images), variant.get(images), variant.get(headers.indexOf("SPEEDUP")),
                lines.get(header + 4));
    }

    /** Both speeds as positive numbers, the speedup their ratio (to the table's rounding). */
    void assertMeasured() {
        double parentRate = Double.parseDouble(parentImagesPerSecond);
        double variantRate = Double.parseDouble(variantImagesPerSecond);
        assertThat(parentRate).isPositive();
        assertThat(variantRate).isPositive();
        assertThat(variantSpeedup).endsWith("x");
        double speedup = Double.parseDouble(variantSpeedup.substring(0, variantSpeedup.length() - 1));
        assertThat(speedup).isCloseTo(variantRate / parentRate, org.assertj.core.data.Offset.offset(0.01 + 1.0 / parentRate));
        assertThat(footnote).startsWith("IMG/S: images per second on this machine").contains("batch 8", "best of 2 windows");
    }

    private static List<String> cells(String row) {
        String inner = row.substring(1, row.length() - 1); // leading and trailing '|'
        return Arrays.stream(inner.split("\\|", -1)).map(String::trim).toList();
    }
}
