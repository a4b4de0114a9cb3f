package io.flinkinference.operators.ocr;

import org.junit.jupiter.api.Test;

import java.awt.geom.Point2D;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class OcrResultTest {
    @Test
    void joinsTheLinesInReadingOrder() {
        OcrLine total = line("Total: 42", 0.8f, 10, 200);
        OcrLine title = line("Invoice", 0.9f, 10, 20);
        OcrLine date = line("October 2026", 0.7f, 300, 23); // same row as the title, a little lower
        OcrLine street = line("Harbor street", 1.0f, 10, 100);

        OcrResult result = OcrResult.of(List.of(total, date, street, title));

        assertThat(result.lines()).containsExactly(title, date, street, total);
        assertThat(result.text()).isEqualTo("Invoice October 2026\nHarbor street\nTotal: 42");
    }

    @Test
    void weighsEachLinesConfidenceByItsLength() {
        OcrResult result = OcrResult.of(List.of(line("ab", 1.0f, 0, 0), line("cdefgh", 0.5f, 0, 100)));

        assertThat(result.confidence()).isCloseTo((2 * 1.0 + 6 * 0.5) / 8, within(1e-9));
        assertThat(OcrResult.of(List.of()).confidence()).isZero();
        assertThat(OcrResult.of(List.of()).text()).isEmpty();
    }

    @Test
    void refusesAConfidenceOutsideZeroToOne() {
        assertThatThrownBy(() -> line("x", 1.5f, 0, 0)).hasMessageContaining("[0, 1]");
    }

    private static OcrLine line(String text, float confidence, double left, double top) {
        TextBox box = TextBox.ofCorners(List.of(new Point2D.Double(left, top), new Point2D.Double(left + 200, top),
                new Point2D.Double(left + 200, top + 30), new Point2D.Double(left, top + 30)), 0.9f);
        return new OcrLine(text, confidence, box);
    }
}
