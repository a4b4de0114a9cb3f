package io.flinkinference.tools.setup;

import io.flinkinference.modelstore.manifest.Manifest;
import io.flinkinference.operators.engine.BatchRange;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.tools.bench.EngineSweep;
import io.flinkinference.tools.bench.SyntheticTensors;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a variant buys in speed: the parent's and the candidate's throughput on this machine in the
 * same run, each on the engine it runs on, through {@link EngineSweep} (one caller, its own
 * execution context, seeded synthetic inputs of the manifest's shapes). The two are measured in
 * turn, {@value #ROUNDS} rounds, at the same batch size, and each keeps its best round: on a
 * shared machine other work only ever slows a window down, so the best is the least disturbed.
 */
final class SpeedComparison {
    /** The batch both are measured at, when both engines take it: the batching function's typical batch under load. */
    static final int PREFERRED_BATCH = 8;
    static final int ROUNDS = 2;
    private static final long SEED = 15L;

    /** Whether to measure, and how long each window lasts. */
    record Settings(boolean enabled, Duration window) {
        static Settings off() {
            return new Settings(false, Duration.ofSeconds(1));
        }
    }

    /** Both figures, or why there are none. */
    record Result(int batchSize, double parentRecordsPerSecond, double recordsPerSecond, String parentEngine, String engine,
            Duration window, String notMeasured) {

        static Result notMeasured(String why) {
            return new Result(0, Double.NaN, Double.NaN, null, null, null, why);
        }

        boolean measured() {
            return notMeasured == null;
        }

        double speedup() {
            return recordsPerSecond / parentRecordsPerSecond;
        }

        /** For the published version's lineage. */
        Map<String, String> facts() {
            Map<String, String> facts = new LinkedHashMap<>();
            if (measured()) {
                facts.put("speed.parent.recordsPerSecond", String.format("%.1f", parentRecordsPerSecond));
                facts.put("speed.parent.engine", parentEngine);
                facts.put("speed.recordsPerSecond", String.format("%.1f", recordsPerSecond));
                facts.put("speed.engine", engine);
                facts.put("speed.speedup", String.format("%.3f", speedup()));
                facts.put("speed.batchSize", Integer.toString(batchSize));
                facts.put("speed.windowSeconds", String.format("%.2f", window.toMillis() / 1e3));
                facts.put("speed.rounds", Integer.toString(ROUNDS));
            }
            return facts;
        }

        /** The line under the summary table that says what IMG/S is. */
        String footnote() {
            if (!measured()) {
                return "IMG/S: not measured (" + notMeasured + ")";
            }
            return String.format("IMG/S: images per second on this machine, now: one caller at batch %d, synthetic inputs, the parent "
                    + "on %s and the variant on %s in turn, best of %d windows of %.1f s each", batchSize, parentEngine, engine,
                    ROUNDS, window.toMillis() / 1e3);
        }
    }

    private SpeedComparison() {}

    static Result measure(InferenceEngine parent, String parentEngine, InferenceEngine candidate, String engine, Manifest manifest,
            Duration window) {
        Integer batch = commonBatch(parent.batchRange(), candidate.batchRange());
        if (batch == null) {
            return Result.notMeasured("the parent takes batches " + parent.batchRange() + ", the variant " + candidate.batchRange());
        }
        SyntheticTensors inputs;
        try {
            inputs = new SyntheticTensors(manifest.inputs(), manifest.preprocessing(), SEED);
        } catch (IllegalArgumentException e) {
            return Result.notMeasured(e.getMessage());
        }
        Duration warmUp = window.dividedBy(4);
        EngineSweep parentSweep = new EngineSweep(parent, inputs, warmUp, window);
        EngineSweep candidateSweep = new EngineSweep(candidate, inputs, warmUp, window);
        double parentBest = 0;
        double candidateBest = 0;
        for (int round = 0; round < ROUNDS; round++) {
            parentBest = Math.max(parentBest, parentSweep.measure(batch, 1).recordsPerSecond());
            candidateBest = Math.max(candidateBest, candidateSweep.measure(batch, 1).recordsPerSecond());
        }
        return new Result(batch, parentBest, candidateBest, parentEngine, engine, window, null);
    }

    /** {@link #PREFERRED_BATCH} when both take it, else the largest of bench's default sizes both take, else null. */
    static Integer commonBatch(BatchRange parent, BatchRange candidate) {
        if (parent.contains(PREFERRED_BATCH) && candidate.contains(PREFERRED_BATCH)) {
            return PREFERRED_BATCH;
        }
        List<Integer> both = EngineSweep.DEFAULT_BATCH_SIZES.stream().filter(size -> parent.contains(size) && candidate.contains(size))
                .toList();
        return both.isEmpty() ? null : both.get(both.size() - 1);
    }
}
