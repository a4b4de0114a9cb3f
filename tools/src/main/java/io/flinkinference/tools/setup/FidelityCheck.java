package io.flinkinference.tools.setup;

import io.flinkinference.modelstore.manifest.TensorSpec;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.operators.engine.Tensor;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether an exported ONNX model computes what its PyTorch original does: ONNX Runtime runs it on
 * the inputs PyTorch ran, and every output is compared with PyTorch's (the largest absolute
 * difference, which decides, against a tolerance) and the first output's answers by the model's
 * {@link AgreementMeasure} (reported: a near tie may flip within any tolerance). Figures are kept
 * apart by kind of input, since random tensors and real images exercise a model differently.
 */
final class FidelityCheck {
    private FidelityCheck() {}

    /** One batch both sides ran, with PyTorch's outputs in the model's output order. */
    record Batch(String kind, Tensor input, List<Tensor> torchOutputs) {}

    /** The figures for one kind of input. */
    record Figures(String kind, int samples, double maxAbsDiff, double meanAbsDiff, double agreement) {}

    record Report(List<Figures> figures, double tolerance, String measure) {
        double maxAbsDiff() {
            return figures.stream().mapToDouble(Figures::maxAbsDiff).reduce(0, Math::max);
        }

        double agreement() {
            int samples = figures.stream().mapToInt(Figures::samples).sum();
            return figures.stream().mapToDouble(f -> f.agreement() * f.samples()).sum() / Math.max(1, samples);
        }

        int samples() {
            return figures.stream().mapToInt(Figures::samples).sum();
        }

        /** NaN fails too: no difference is within tolerance when one side is not a number. */
        boolean passed() {
            return maxAbsDiff() <= tolerance;
        }

        String verdict() {
            String figures = String.format("max abs diff %.3g (tolerance %.3g), %s %.2f%% on %d inputs", maxAbsDiff(),
                    tolerance, measure, 100 * agreement(), samples());
            return passed() ? "passed: " + figures : "refused: " + figures + "; ONNX Runtime does not compute what PyTorch does";
        }

        /** The figures by kind of input, then the verdict. */
        void print(PrintWriter out) {
            out.println("Fidelity of ONNX Runtime against PyTorch:");
            for (Figures f : figures) {
                out.printf("  %-14s %5d inputs  max abs diff %.3g  mean abs diff %.3g  %s %.2f%%%n", f.kind(), f.samples(),
                        f.maxAbsDiff(), f.meanAbsDiff(), measure, 100 * f.agreement());
            }
            out.println(verdict());
        }

        Map<String, String> lineage() {
            Map<String, String> facts = new LinkedHashMap<>();
            facts.put("fidelity.maxAbsDiff", String.format("%.6g", maxAbsDiff()));
            facts.put("fidelity.agreement", String.format("%.4f", agreement()));
            facts.put("fidelity.measure", measure);
            facts.put("fidelity.tolerance", String.format("%.6g", tolerance));
            for (Figures f : figures) {
                facts.put("fidelity." + f.kind() + ".samples", Integer.toString(f.samples()));
                facts.put("fidelity." + f.kind() + ".maxAbsDiff", String.format("%.6g", f.maxAbsDiff()));
                facts.put("fidelity." + f.kind() + ".agreement", String.format("%.4f", f.agreement()));
            }
            return facts;
        }
    }

    static Report run(InferenceEngine onnx, List<Batch> batches, AgreementMeasure measure, double tolerance) {
        List<TensorSpec> outputs = onnx.outputs();
        String input = onnx.inputs().get(0).name();
        Map<String, List<ValidationGate.Tally>> byKind = new LinkedHashMap<>();
        for (Batch batch : batches) {
            if (batch.torchOutputs().size() != outputs.size()) {
                throw new IllegalStateException("PyTorch gave " + batch.torchOutputs().size() + " outputs, the ONNX model has "
                        + outputs.size() + ".");
            }
            Map<String, Tensor> answers = onnx.infer(Map.of(input, batch.input()));
            List<ValidationGate.Tally> tallies = byKind.computeIfAbsent(batch.kind(), kind -> {
                List<ValidationGate.Tally> perOutput = new ArrayList<>();
                outputs.forEach(o -> perOutput.add(new ValidationGate.Tally(measure)));
                return perOutput;
            });
            for (int i = 0; i < outputs.size(); i++) {
                tallies.get(i).add(batch.torchOutputs().get(i), answers.get(outputs.get(i).name()));
            }
        }
        List<Figures> figures = new ArrayList<>();
        byKind.forEach((kind, tallies) -> {
            ValidationGate.Report first = tallies.get(0).report(0);
            double max = tallies.stream().mapToDouble(t -> t.report(0).maxAbsDiff()).reduce(0, Math::max);
            figures.add(new Figures(kind, first.samples(), max, first.meanAbsDiff(), first.agreement()));
        });
        return new Report(figures, tolerance, measure.description());
    }
}
