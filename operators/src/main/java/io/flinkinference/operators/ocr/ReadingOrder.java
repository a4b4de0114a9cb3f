package io.flinkinference.operators.ocr;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Text boxes in reading order: top to bottom, and left to right within a line. Boxes are taken by
 * their centre's height; a box whose centre lies within half a line height below the first box of
 * the current line is on that line (words of one line wobble by a few pixels; the next line's centre
 * is a whole line height down). A comparator with such a tolerance would not be transitive, hence
 * the grouping into lines first.
 */
public final class ReadingOrder {
    private ReadingOrder() {}

    public static List<TextBox> sort(List<TextBox> boxes) {
        List<TextBox> byHeight = new ArrayList<>(boxes);
        byHeight.sort(Comparator.comparingDouble(TextBox::centerY));
        List<TextBox> ordered = new ArrayList<>(boxes.size());
        List<TextBox> line = new ArrayList<>();
        for (TextBox box : byHeight) {
            if (!line.isEmpty() && box.centerY() - line.get(0).centerY() > line.get(0).height() / 2) {
                flush(line, ordered);
            }
            line.add(box);
        }
        flush(line, ordered);
        return ordered;
    }

    private static void flush(List<TextBox> line, List<TextBox> ordered) {
        line.sort(Comparator.comparingDouble(TextBox::left));
        ordered.addAll(line);
        line.clear();
    }
}
