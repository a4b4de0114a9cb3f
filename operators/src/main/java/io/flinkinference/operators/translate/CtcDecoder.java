package io.flinkinference.operators.translate;

import io.flinkinference.operators.engine.Tensor;

import java.nio.FloatBuffer;
import java.util.List;

/**
 * Greedy CTC decoding of a [N, T, C] score tensor: the best class per time step, repeats collapsed,
 * blanks dropped. Class 0 is the blank, class i is line i-1 of the alphabet, and classes past the
 * alphabet's end are a space (PaddleOCR's convention). A line's confidence is the mean score of the
 * steps that gave its characters (PaddleOCR's), 0 for a line without any.
 */
public final class CtcDecoder {
    private final List<String> alphabet;

    public CtcDecoder(List<String> alphabet) {
        this.alphabet = List.copyOf(alphabet);
    }

    /** A decoded line and the recognizer's confidence in it. */
    public record Decoded(String text, float confidence) {}

    public String decode(Tensor scores, int row) {
        return decodeWithConfidence(scores, row).text();
    }

    public Decoded decodeWithConfidence(Tensor scores, int row) {
        if (scores.rank() != 3) {
            throw new IllegalArgumentException("CTC decoding needs a [N, T, classes] tensor, got " + scores);
        }
        int steps = (int) scores.dim(1);
        int classes = (int) scores.dim(2);
        FloatBuffer values = scores.floats();
        StringBuilder text = new StringBuilder();
        int previous = -1;
        int emitted = 0;
        double emittedScores = 0;
        for (int t = 0; t < steps; t++) {
            int base = (row * steps + t) * classes;
            int best = 0;
            float bestScore = values.get(base);
            for (int c = 1; c < classes; c++) {
                float score = values.get(base + c);
                if (score > bestScore) {
                    bestScore = score;
                    best = c;
                }
            }
            if (best != 0 && best != previous) {
                text.append(best - 1 < alphabet.size() ? alphabet.get(best - 1) : " ");
                emitted++;
                emittedScores += bestScore;
            }
            previous = best;
        }
        return new Decoded(text.toString(), emitted == 0 ? 0f : (float) (emittedScores / emitted));
    }
}
