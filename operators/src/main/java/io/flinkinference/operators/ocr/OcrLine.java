package io.flinkinference.operators.ocr;

/** One recognized line: its text, the recognizer's confidence in it (0 to 1), and where it was found. */
public record OcrLine(String text, float confidence, TextBox box) {
    public OcrLine {
        if (text == null || box == null) {
            throw new IllegalArgumentException("A recognized line needs its text and its box");
        }
        if (!(confidence >= 0 && confidence <= 1)) {
            throw new IllegalArgumentException("A confidence lies in [0, 1], not " + confidence);
        }
    }
}
