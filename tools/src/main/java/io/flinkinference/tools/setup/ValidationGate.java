package io.flinkinference.tools.setup;

import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.operators.engine.Tensor;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Runs a derived model (FP16, INT8, pruned) against its parent on held-out samples and decides
 * whether it may be published: the share of samples on which both give the same answer (by the
 * {@link AgreementMeasure} of the model: best class, or text for a CTC recognizer) must reach the
 * required fraction. Also reports the largest and the mean absolute difference of the first output.
 */
public final class ValidationGate {
    private ValidationGate() {}

    /** What the comparison found. */
    public record Report(AgreementMeasure measure, int samples, int agreeing, double maxAbsDiff, double meanAbsDiff,
            double required) {
        public double agreement() {
            return samples == 0 ? 0 : (double) agreeing / samples;
        }

        public boolean passed() {
            return samples > 0 && agreement() >= required;
        }

        /** One sentence for logs, summaries and refusals. */
        public String verdict() {
            String figures = String.format("%s %.2f%% on %d samples (required %.2f%%), max abs diff %.3g, mean abs diff %.3g",
                    measure.description(), 100 * agreement(), samples, 100 * required, maxAbsDiff, meanAbsDiff);
            return passed() ? "passed: " + figures
                    : String.format("refused: %s; it missed by %.2f points", figures, 100 * (required - agreement()));
        }
    }

    /**
     * @param batches input batches (each a map from input name to tensor)
     * @param measure what counts as the same answer
     * @param progress told the number of samples compared so far
     */
    public static Report compare(InferenceEngine parent, InferenceEngine candidate, List<Map<String, Tensor>> batches,
            AgreementMeasure measure, double required, IntConsumer progress) {
        String output = parent.outputs().get(0).name();
        Tally tally = new Tally(measure);
        for (Map<String, Tensor> batch : batches) {
            tally.add(parent.infer(batch).get(output), candidate.infer(batch).get(output));
            progress.accept(tally.samples);
        }
        return tally.report(required);
    }

    /**
     * The comparison of expected and actual outputs, batch by batch, wherever they come from: two
     * engines here, PyTorch's reference outputs and ONNX Runtime in {@link FidelityCheck}.
     */
    static final class Tally {
        private final AgreementMeasure measure;
        private int samples;
        private int agreeing;
        private double maxAbsDiff;
        private double sumAbsDiff;
        private long values;

        Tally(AgreementMeasure measure) {
            this.measure = measure;
        }

        /** One batch of the same output from both sides; the first dimension is the batch. */
        void add(Tensor expected, Tensor actual) {
            if (expected.elementCount() != actual.elementCount()) {
                throw new IllegalArgumentException("The outputs differ in shape: expected " + expected + ", got " + actual + ".");
            }
            int rows = (int) expected.dim(0);
            int perRow = rows == 0 ? 0 : (int) (expected.elementCount() / rows);
            int classes = (int) expected.dim(expected.rank() - 1);
            FloatBuffer e = expected.floats();
            FloatBuffer a = actual.floats();
            for (int row = 0; row < rows; row++) {
                int base = row * perRow;
                if (measure.answer(e, base, perRow, classes).equals(measure.answer(a, base, perRow, classes))) {
                    agreeing++;
                }
                for (int i = 0; i < perRow; i++) {
                    double diff = Math.abs(e.get(base + i) - a.get(base + i));
                    maxAbsDiff = Math.max(maxAbsDiff, diff); // a NaN stays: no tolerance lets it through
                    sumAbsDiff += diff;
                }
                values += perRow;
                samples++;
            }
        }

        Report report(double required) {
            return new Report(measure, samples, agreeing, maxAbsDiff, values == 0 ? 0 : sumAbsDiff / values, required);
        }
    }
}
