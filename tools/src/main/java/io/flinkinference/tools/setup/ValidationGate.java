package io.flinkinference.tools.setup;

import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.operators.engine.Tensor;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Runs a derived model (FP16, INT8, pruned) against its parent on held-out samples and decides
 * whether it may be published: top-1 agreement of the first output must reach the required
 * fraction. Also reports the largest and the mean absolute difference of that output.
 */
public final class ValidationGate {
    private ValidationGate() {}

    /** What the comparison found. */
    public record Report(int samples, int agreeing, double maxAbsDiff, double meanAbsDiff, double required) {
        public double agreement() {
            return samples == 0 ? 0 : (double) agreeing / samples;
        }

        public boolean passed() {
            return samples > 0 && agreement() >= required;
        }

        /** One sentence for logs, summaries and refusals. */
        public String verdict() {
            String figures = String.format("top-1 agreement %.2f%% on %d samples (required %.2f%%), "
                    + "max abs diff %.3g, mean abs diff %.3g", 100 * agreement(), samples, 100 * required, maxAbsDiff, meanAbsDiff);
            return passed() ? "passed: " + figures
                    : String.format("refused: %s; it missed by %.2f points", figures, 100 * (required - agreement()));
        }
    }

    /**
     * @param batches input batches (each a map from input name to tensor)
     * @param progress told the number of samples compared so far
     */
    public static Report compare(InferenceEngine parent, InferenceEngine candidate, List<Map<String, Tensor>> batches,
            double required, IntConsumer progress) {
        String output = parent.outputs().get(0).name();
        int samples = 0;
        int agreeing = 0;
        double maxAbsDiff = 0;
        double sumAbsDiff = 0;
        long values = 0;
        for (Map<String, Tensor> batch : batches) {
            Tensor expected = parent.infer(batch).get(output);
            Tensor actual = candidate.infer(batch).get(output);
            int rows = (int) expected.dim(0);
            int perRow = (int) (expected.elementCount() / rows);
            FloatBuffer e = expected.floats();
            FloatBuffer a = actual.floats();
            for (int row = 0; row < rows; row++) {
                int base = row * perRow;
                if (argmax(e, base, perRow) == argmax(a, base, perRow)) {
                    agreeing++;
                }
                for (int i = 0; i < perRow; i++) {
                    double diff = Math.abs(e.get(base + i) - a.get(base + i));
                    maxAbsDiff = Math.max(maxAbsDiff, diff);
                    sumAbsDiff += diff;
                }
                values += perRow;
                samples++;
            }
            progress.accept(samples);
        }
        return new Report(samples, agreeing, maxAbsDiff, values == 0 ? 0 : sumAbsDiff / values, required);
    }

    private static int argmax(FloatBuffer values, int base, int count) {
        int best = 0;
        for (int i = 1; i < count; i++) {
            if (values.get(base + i) > values.get(base + best)) {
                best = i;
            }
        }
        return best;
    }
}
