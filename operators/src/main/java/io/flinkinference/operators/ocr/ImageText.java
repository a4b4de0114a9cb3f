package io.flinkinference.operators.ocr;

import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every line read from one image, gathered again after recognition: the record the OCR job writes,
 * one per image. The lines are in any order here; {@link #result()} puts them in reading order.
 */
public record ImageText(String imageId, long eventTimeMillis, Map<String, String> metadata, List<RecognizedLine> lines) {

    public ImageText {
        metadata = metadata == null || metadata.isEmpty() ? Map.of() : Collections.unmodifiableMap(new HashMap<>(metadata));
        lines = List.copyOf(lines);
    }

    /** An image in which the detector found no text. */
    public static ImageText empty(DetectedPage page) {
        return new ImageText(page.imageId(), page.eventTimeMillis(), page.metadata(), List.of());
    }

    /** The image's lines, rows and text in reading order. */
    public OcrResult result() {
        return OcrResult.of(lines.stream().sorted(Comparator.comparingInt(RecognizedLine::lineIndex))
                .map(RecognizedLine::toOcrLine).toList());
    }
}
