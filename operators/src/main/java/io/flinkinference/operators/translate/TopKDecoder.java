package io.flinkinference.operators.translate;

import io.flinkinference.operators.engine.Tensor;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the best {@code k} classes of each row of a [N, classes] score tensor and names them with
 * the model's labels file.
 */
public final class TopKDecoder {
    private final List<String> labels;
    private final int k;

    public TopKDecoder(List<String> labels, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("top-k must be at least 1, not " + k);
        }
        this.labels = List.copyOf(labels);
        this.k = k;
    }

    /** One class and its score. */
    public record Prediction(int classIndex, String label, float score) {}

    /** The best classes of row {@code row}, best first. */
    public List<Prediction> decode(Tensor scores, int row) {
        if (scores.rank() != 2) {
            throw new IllegalArgumentException("top-k needs a [N, classes] tensor, got " + scores);
        }
        int classes = (int) scores.dim(1);
        if (classes != labels.size()) {
            throw new IllegalArgumentException(
                    "The model gives " + classes + " classes but its labels file has " + labels.size() + " lines.");
        }
        FloatBuffer values = scores.floats();
        int base = row * classes;
        int count = Math.min(k, classes);
        int[] best = new int[count];
        int found = 0;
        // Insertion into a short sorted list: k is small, classes may be large.
        for (int c = 0; c < classes; c++) {
            float score = values.get(base + c);
            if (found == count && score <= values.get(base + best[count - 1])) {
                continue;
            }
            int position = Math.min(found, count - 1);
            while (position > 0 && values.get(base + best[position - 1]) < score) {
                best[position] = best[position - 1];
                position--;
            }
            best[position] = c;
            found = Math.min(found + 1, count);
        }
        List<Prediction> predictions = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            predictions.add(new Prediction(best[i], labels.get(best[i]), values.get(base + best[i])));
        }
        return predictions;
    }
}
