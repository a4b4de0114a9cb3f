package io.flinkinference.operators.ocr;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the text detector found in one image: its lines in reading order, each already cut out
 * upright ({@link LineCrop}), numbered 0 to {@code lines.size() - 1}. No lines is an image without text.
 * The page's pixels are not kept: every later stage needs only its line.
 */
public record DetectedPage(String imageId, long eventTimeMillis, Map<String, String> metadata, List<LineCrop> lines) {

    public DetectedPage {
        metadata = metadata == null || metadata.isEmpty() ? Map.of() : Collections.unmodifiableMap(new HashMap<>(metadata));
        lines = List.copyOf(lines);
    }
}
