package io.flinkinference.tools.setup;

import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.manifest.Manifest;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.operators.engine.Tensor;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Mixed precision when full INT8 costs too much, as a search bounded in time: measures how much
 * quantizing each node alone moves the output, on the first batch of the calibration set only
 * (a node that changes answers there is sensitive; the whole set would cost the same per node
 * and the recognizer has 33 eligible ones), then leaves the most sensitive nodes in float, one more at
 * a time, until the whole calibration set agrees with the float model two points above the
 * required level (held-out data agrees less well than the data tuned on), the limit of nodes is
 * reached or the {@link SearchBudget} is spent. Every step prints what it found and how long the
 * rest should take; where the budget stops the search, the output says how far it got. The
 * held-out validation that follows is independent of this tuning.
 */
final class Int8Tuning {
    private static final double TUNING_MARGIN = 0.02;

    private Int8Tuning() {}

    static QdqQuantizer.Result tune(QdqQuantizer.Calibrated calibrated, QdqQuantizer.Target engine, ModelVersion parent,
            List<Map<String, Tensor>> tuningSet, double required, int maxInFloat, Set<String> alwaysFloat, Duration budget,
            PrintWriter out) {
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
            SearchBudget search = SearchBudget.startingNow(budget);
            List<NodeSensitivity> sensitivity = measureSensitivity(calibrated, engine, reference, manifest,
                    tuningSet.subList(0, 1), target, excluded, search, out);
            boolean measuredAll = sensitivity.size() == calibrated.nodes(engine).stream().filter(n -> !excluded.contains(n)).count();
            sensitivity.sort(NodeSensitivity.MOST_SENSITIVE_FIRST);
            long perTrial = 0;
            boolean outOfTime = false;
            for (int kept = 0; kept < Math.min(maxInFloat, sensitivity.size()); kept++) {
                if (kept > 0 && !search.canTryAnother(perTrial)) {
                    outOfTime = true;
                    break;
                }
                long trialStart = System.nanoTime();
                excluded.add(sensitivity.get(kept).node());
                result = calibrated.quantize(excluded, engine);
                report = evaluate(reference, result, manifest, tuningSet, target);
                perTrial = Math.max(perTrial, System.nanoTime() - trialStart);
                out.printf("  %d node(s) in float (last: %s, %s): %s%n", excluded.size(), sensitivity.get(kept).node(),
                        sensitivity.get(kept).describe(), report.verdict());
                out.flush();
                if (report.passed()) {
                    break;
                }
            }
            // Out of time, or out of measured nodes because measuring was cut short: either way the budget stopped it.
            if (!report.passed() && (outOfTime || (!measuredAll && sensitivity.size() < maxInFloat))) {
                out.printf("Search budget of %d s reached after %.0f s: stopped with %d node(s) in float.%n",
                        search.total().toSeconds(), search.elapsedSeconds(), excluded.size());
            }
            return result;
        }
    }

    /** Each candidate node quantized alone, in graph order, until the measuring phase of the budget is over. */
    private static List<NodeSensitivity> measureSensitivity(QdqQuantizer.Calibrated calibrated, QdqQuantizer.Target engine,
            InferenceEngine reference, Manifest manifest, List<Map<String, Tensor>> probe, double target, Set<String> excluded,
            SearchBudget search, PrintWriter out) {
        List<String> candidates = calibrated.nodes(engine).stream().filter(node -> !excluded.contains(node)).toList();
        int probed = probe.stream().mapToInt(batch -> (int) batch.values().iterator().next().dim(0)).sum();
        out.printf("Measuring each node's sensitivity to INT8 on %d calibration images: %d nodes, one candidate model each, "
                + "within %d s of a %d s search budget ...%n", probed, candidates.size(), search.total().toSeconds() * 2 / 3,
                search.total().toSeconds());
        out.flush();
        List<NodeSensitivity> sensitivity = new ArrayList<>();
        long start = System.nanoTime();
        long slowest = 0;
        for (String node : candidates) {
            if (!sensitivity.isEmpty() && !search.canMeasureAnother(slowest)) {
                out.printf("Search budget: measured %d of %d nodes in %.0f s; the other %d stay in INT8 unmeasured "
                        + "(a larger --search-budget measures them).%n", sensitivity.size(), candidates.size(),
                        search.elapsedSeconds(), candidates.size() - sensitivity.size());
                break;
            }
            long nodeStart = System.nanoTime();
            Set<String> allButOne = new LinkedHashSet<>(calibrated.nodes(engine));
            allButOne.remove(node);
            ValidationGate.Report alone = evaluate(reference, calibrated.quantize(allButOne, engine), manifest, probe, target);
            NodeSensitivity measured = new NodeSensitivity(node, 1 - alone.agreement(), alone.meanAbsDiff());
            sensitivity.add(measured);
            long now = System.nanoTime();
            slowest = Math.max(slowest, now - nodeStart);
            double perNode = (now - start) / 1e9 / sensitivity.size();
            out.printf("  node %d/%d %s: %s; eta %.0f s%n", sensitivity.size(), candidates.size(), node, measured.describe(),
                    perNode * (candidates.size() - sensitivity.size()));
            out.flush();
        }
        return sensitivity;
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
