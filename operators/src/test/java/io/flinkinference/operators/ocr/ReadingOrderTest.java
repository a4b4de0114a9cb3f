package io.flinkinference.operators.ocr;

import org.junit.jupiter.api.Test;

import java.awt.geom.Point2D;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReadingOrderTest {
    @Test
    void wordsWithinHalfALineHeightShareALine() {
        TextBox second = box(300, 104, 100, 30); // 4 px lower than the first word: same line
        TextBox first = box(10, 100, 200, 30);
        TextBox third = box(500, 114, 80, 30); // 14 px lower: still within 15
        TextBox nextLine = box(10, 140, 300, 30);

        assertThat(ReadingOrder.sort(List.of(nextLine, second, third, first))).containsExactly(first, second, third, nextLine);
    }

    @Test
    void aBoxMoreThanHalfALineLowerStartsTheNextLine() {
        TextBox right = box(300, 100, 100, 30);
        TextBox lowerLeft = box(10, 116, 200, 30); // 16 px lower: past half of 30

        assertThat(ReadingOrder.sort(List.of(lowerLeft, right))).containsExactly(right, lowerLeft);
    }

    private static TextBox box(double left, double top, double width, double height) {
        return TextBox.ofCorners(List.of(new Point2D.Double(left, top), new Point2D.Double(left + width, top),
                new Point2D.Double(left + width, top + height), new Point2D.Double(left, top + height)), 1f);
    }
}
