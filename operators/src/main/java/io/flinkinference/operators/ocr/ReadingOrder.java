package io.flinkinference.operators.ocr;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

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
        return lines(boxes, Function.identity()).stream().flatMap(List::stream).toList();
    }

    /** The items grouped into the lines their boxes sit on, lines top to bottom, each left to right. */
    public static <T> List<List<T>> lines(List<T> items, Function<? super T, TextBox> boxOf) {
        List<T> byHeight = new ArrayList<>(items);
        byHeight.sort(Comparator.comparingDouble(item -> boxOf.apply(item).centerY()));
        List<List<T>> lines = new ArrayList<>();
        List<T> line = new ArrayList<>();
        for (T item : byHeight) {
            TextBox first = line.isEmpty() ? null : boxOf.apply(line.get(0));
            if (first != null && boxOf.apply(item).centerY() - first.centerY() > first.height() / 2) {
                lines.add(leftToRight(line, boxOf));
                line = new ArrayList<>();
            }
            line.add(item);
        }
        if (!line.isEmpty()) {
            lines.add(leftToRight(line, boxOf));
        }
        return lines;
    }

    private static <T> List<T> leftToRight(List<T> line, Function<? super T, TextBox> boxOf) {
        line.sort(Comparator.comparingDouble(item -> boxOf.apply(item).left()));
        return List.copyOf(line);
    }
}
