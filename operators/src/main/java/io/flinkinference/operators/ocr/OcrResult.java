package io.flinkinference.operators.ocr;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Everything read from one image: its lines in reading order ({@link ReadingOrder}), grouped by the
 * visual line they sit on (a line whose words the detector split into boxes is one row).
 */
public record OcrResult(List<List<OcrLine>> rows) {
    public OcrResult {
        rows = rows.stream().map(List::copyOf).toList();
    }

    /** The result of lines recognized in any order. */
    public static OcrResult of(List<OcrLine> lines) {
        return new OcrResult(ReadingOrder.lines(lines, OcrLine::box));
    }

    /** The lines in reading order. */
    public List<OcrLine> lines() {
        return rows.stream().flatMap(List::stream).toList();
    }

    /** The image's text: boxes of one row joined by a space, rows by a newline. */
    public String text() {
        return rows.stream()
                .map(row -> row.stream().map(OcrLine::text).collect(Collectors.joining(" ")))
                .collect(Collectors.joining("\n"));
    }

    /** The lines' mean confidence, each line weighted by its characters; 0 for an image without text. */
    public double confidence() {
        double weighted = 0;
        long characters = 0;
        for (OcrLine line : lines()) {
            weighted += (double) line.confidence() * line.text().length();
            characters += line.text().length();
        }
        return characters == 0 ? 0 : weighted / characters;
    }
}
