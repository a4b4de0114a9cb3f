package io.flinkinference.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flinkinference.avro.OcrLine;
import io.flinkinference.avro.OcrResult;

import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How {@code ocr} prints the text of one image: the file name and its lines for people, or one JSON object per line for scripts. */
enum OcrOutput {
    TEXT {
        @Override
        String of(String file, OcrResult result) {
            StringBuilder text = new StringBuilder(file).append('\n');
            if (result.getText().isEmpty()) {
                return text.append("  (no text found)\n").toString();
            }
            for (String row : result.getText().split("\n", -1)) {
                text.append("  ").append(row).append('\n');
            }
            return text.toString();
        }
    },
    JSON {
        @Override
        String of(String file, OcrResult result) {
            Map<String, Object> image = new LinkedHashMap<>();
            image.put("file", file);
            image.put("lines", result.getLines().stream().map(OcrOutput::line).toList());
            image.put("text", result.getText());
            image.put("confidence", result.getConfidence());
            try {
                return MAPPER.writeValueAsString(image) + "\n";
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** What to print for {@code file}'s result, ending with a newline. */
    abstract String of(String file, OcrResult result);

    private static Map<String, Object> line(OcrLine line) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("text", line.getText());
        fields.put("confidence", line.getConfidence());
        fields.put("row", line.getRow());
        // Corners in image pixels, clockwise from the top-left: [x, y] pairs read better than eight numbers in a row.
        List<Float> xy = line.getBox();
        fields.put("box", List.of(List.of(xy.get(0), xy.get(1)), List.of(xy.get(2), xy.get(3)), List.of(xy.get(4), xy.get(5)),
                List.of(xy.get(6), xy.get(7))));
        return fields;
    }
}
