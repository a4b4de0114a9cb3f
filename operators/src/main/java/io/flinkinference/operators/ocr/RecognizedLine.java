package io.flinkinference.operators.ocr;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * One line of an image as read by the recognizer: which image and which of its lines, where the line
 * is, and its text with the recognizer's confidence. Plain values, so Flink serializes it without Kryo.
 *
 * @param lineIndex the line's place in the image's reading order, 0 to {@code lineCount - 1}
 */
public record RecognizedLine(String imageId, int lineIndex, int lineCount, BoxCorners box, String text, float confidence,
        long eventTimeMillis, Map<String, String> metadata) {

    public RecognizedLine {
        if (lineIndex < 0 || lineIndex >= lineCount) {
            throw new IllegalArgumentException("Line " + lineIndex + " of " + lineCount + " lines does not exist");
        }
        metadata = metadata == null || metadata.isEmpty() ? Map.of() : Collections.unmodifiableMap(new HashMap<>(metadata));
    }

    /** The recognized text of {@code crop}. */
    public static RecognizedLine of(LineCrop crop, String text, float confidence) {
        return new RecognizedLine(crop.imageId(), crop.lineIndex(), crop.lineCount(), crop.box(), text, confidence,
                crop.eventTimeMillis(), crop.metadata());
    }

    public OcrLine toOcrLine() {
        return new OcrLine(text, confidence, box.toTextBox());
    }
}
