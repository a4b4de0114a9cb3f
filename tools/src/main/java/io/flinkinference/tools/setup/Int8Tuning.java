package io.flinkinference.tools.setup;

import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.manifest.Manifest;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.operators.engine.Tensor;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Mixed precision when full INT8 costs too much: measures how much quantizing each node alone
 * moves the output (mean absolute difference from the float model on the calibration set), then
 * leaves the most sensitive nodes in float, one more at a time, until the calibration set agrees
 * with the float model two points above the required level (held-out data agrees less well than
 * the data tuned on) or the limit is reached. The held-out validation
 * that follows is independent of this tuning.
 */
final class Int8Tuning {
    private static final double TUNING_MARGIN = 0.02;

    private Int8Tuning() {}

    static QdqQuantizer.Result tune(QdqQuantizer.Calibrated calibrated, QdqQuantizer.Target engine, ModelVersion parent,
            List<Map<String, Tensor>> tuningSet, double required, int maxInFloat, Set<String> alwaysFloat, PrintWriter out) {
        Manifest manifest = parent.manifest();
        // Tune for a margin above the requirement: the held-out set will not agree as well as the set tuned on.
        double target = Math.min(1.0, required + TUNING_MARGIN);
        Set<String> excluded = new LinkedHashSet<>(alwaysFloat);
        try (InferenceEngine reference = CandidateEngines.open(parent)) {
            QdqQuantizer.Result result = calibrated.quantize(excluded, engine);
            ValidationGate.Report report = evaluate(reference, result, manifest, tuningSet, target);
            out.printf("Tuning on the calibration set for %.2f%% %s (the gate's %.2f%% plus a %.0f-point "
                    + "margin, since held-out images agree less well than the ones tuned on)%n", 100 * target,
                    AgreementMeasure.of(manifest).description(), 100 * required, 100 * TUNING_MARGIN);
            out.printf("All eligible nodes in INT8, on the calibration set: %s%n", report.verdict());
            if (report.passed() || maxInFloat == 0) {
                return result;
            }
            List<String> candidates = calibrated.nodes().stream().filter(node -> !excluded.contains(node)).toList();
            out.printf("Measuring each node's sensitivity to INT8: %d nodes, one candidate model each ...%n", candidates.size());
            out.flush();
            List<NodeSensitivity> sensitivity = new ArrayList<>();
            long start = System.nanoTime();
            long lastLine = start;
            for (String node : candidates) {
                Set<String> allButOne = new LinkedHashSet<>(calibrated.nodes());
                allButOne.remove(node);
                ValidationGate.Report alone = evaluate(reference, calibrated.quantize(allButOne, engine), manifest, tuningSet, target);
                sensitivity.add(new NodeSensitivity(node, 1 - alone.agreement(), alone.meanAbsDiff()));
                long now = System.nanoTime();
                if (now - lastLine > 5_000_000_000L || sensitivity.size() == candidates.size()) {
                    double perNode = (now - start) / 1e9 / sensitivity.size();
                    out.printf("  %d/%d nodes measured, about %.0f s left%n", sensitivity.size(), candidates.size(),
                            perNode * (candidates.size() - sensitivity.size()));
                    out.flush();
                    lastLine = now;
                }
            }
            sensitivity.sort(NodeSensitivity.MOST_SENSITIVE_FIRST);
            for (int kept = 0; kept < Math.min(maxInFloat, sensitivity.size()); kept++) {
                excluded.add(sensitivity.get(kept).node());
                result = calibrated.quantize(excluded, engine);
                report = evaluate(reference, result, manifest, tuningSet, target);
                out.printf("  %d node(s) in float (last: %s, %s): %s%n", excluded.size(), sensitivity.get(kept).node(),
                        sensitivity.get(kept).describe(), report.verdict());
                if (report.passed()) {
                    break;
                }
            }
            return result;
        }
    }

    /**
     * How much quantizing one node alone changes the model: first the share of samples whose answer
     * it changes, then (to order nodes that change none, the usual case) the mean absolute output
     * difference. The answers come first because the mean difference of a softmax over thousands of
     * classes is tiny whatever happens to the text: ranked by it alone, the recognizer's nodes kept
     * in float first were ones that changed no line.
     */
    record NodeSensitivity(String node, double changedAnswers, double meanAbsDiff) {
        static final Comparator<NodeSensitivity> MOST_SENSITIVE_FIRST = Comparator
                .comparingDouble(NodeSensitivity::changedAnswers).thenComparingDouble(NodeSensitivity::meanAbsDiff).reversed();

        String describe() {
            return String.format("alone it changed %.1f%% of answers, mean abs diff %.3g", 100 * changedAnswers, meanAbsDiff);
        }
    }

    private static ValidationGate.Report evaluate(InferenceEngine reference, QdqQuantizer.Result candidate, Manifest manifest,
            List<Map<String, Tensor>> batches, double required) {
        try (InferenceEngine quantized = CandidateEngines.openCandidate("int8 candidate", candidate.model().toByteArray(),
                manifest.inputs(), manifest.outputs())) {
            return ValidationGate.compare(reference, quantized, batches, AgreementMeasure.of(manifest), required, done -> { });
        }
    }
}
