package io.flinkinference.tools.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * A table for a terminal that is also Markdown: columns padded to their widest cell, numbers
 * right-aligned (with the {@code ---:} rule that says so), so it reads aligned on a screen and
 * renders as a table when pasted into an issue or {@code BENCHMARKS.md}.
 */
public final class AlignedTable {
    /** How a column's cells line up. */
    public enum Align { LEFT, RIGHT }

    private final List<String> headers = new ArrayList<>();
    private final List<Align> aligns = new ArrayList<>();
    private final List<List<String>> rows = new ArrayList<>();

    public AlignedTable column(String header, Align align) {
        if (!rows.isEmpty()) {
            throw new IllegalStateException("Columns come before rows.");
        }
        headers.add(header);
        aligns.add(align);
        return this;
    }

    public AlignedTable row(String... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException("A row of " + cells.length + " cells for " + headers.size() + " columns.");
        }
        rows.add(List.of(cells));
        return this;
    }

    /** The table, one line per row, each ending with a newline. */
    public String render() {
        int[] widths = new int[headers.size()];
        for (int c = 0; c < widths.length; c++) {
            widths[c] = Math.max(3, headers.get(c).length());
            for (List<String> row : rows) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, headers, widths);
        List<String> rules = new ArrayList<>();
        for (int c = 0; c < widths.length; c++) {
            rules.add(aligns.get(c) == Align.RIGHT ? "-".repeat(widths[c] - 1) + ":" : "-".repeat(widths[c]));
        }
        line(out, rules, widths);
        rows.forEach(row -> line(out, row, widths));
        return out.toString();
    }

    private void line(StringBuilder out, List<String> cells, int[] widths) {
        out.append('|');
        for (int c = 0; c < cells.size(); c++) {
            String cell = cells.get(c);
            String pad = " ".repeat(widths[c] - cell.length());
            out.append(' ').append(aligns.get(c) == Align.RIGHT ? pad + cell : cell + pad).append(" |");
        }
        out.append('\n');
    }
}
