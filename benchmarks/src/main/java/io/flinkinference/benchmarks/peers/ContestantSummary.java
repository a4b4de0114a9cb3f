package io.flinkinference.benchmarks.peers;

import io.flinkinference.benchmarks.Medians;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One contestant's figures on one model over the suite's rounds: medians over rounds, the spread
 * of throughput, and ratios to the ceiling as medians of per-round ratios (a round's noisy
 * neighbour hits every contestant of that round alike, so per-round ratios are steadier than
 * ratios of medians). Runs that answered no record count as not measured.
 *
 * @param capacityRounds how many rounds measured its capacity
 * @param ceilingRatio its capacity over the raw engine's, in the rounds that measured both
 * @param cpuMillisPerRecord at capacity, where it is the cost of a record and not of idling
 * @param peakHeapMb the highest over all its runs
 */
record ContestantSummary(String contestant, int capacityRounds, OptionalDouble throughputMedian, OptionalDouble throughputMin,
        OptionalDouble throughputMax, OptionalDouble ceilingRatio, Optional<LoadFigures> half, Optional<LoadFigures> ninety,
        OptionalDouble cpuMillisPerRecord, OptionalDouble peakHeapMb, OptionalDouble peakRssMb) {

    /** Medians over the rounds of one paced load point. */
    record LoadFigures(int rounds, double recordsPerSecond, double p50Millis, double p99Millis) {}

    static ContestantSummary of(String model, String contestant, List<SuiteRun> runs) {
        List<RunResult> capacity = results(model, contestant, LoadPoint.CAPACITY, runs);
        double[] rates = capacity.stream().mapToDouble(RunResult::recordsPerSecond).toArray();
        List<RunResult> all = runs.stream().filter(r -> r.model().equals(model) && r.contestant().equals(contestant))
                .map(SuiteRun::result).filter(r -> r.records() > 0).toList();
        return new ContestantSummary(contestant, capacity.size(),
                median(rates),
                rates.length == 0 ? OptionalDouble.empty() : OptionalDouble.of(java.util.Arrays.stream(rates).min().getAsDouble()),
                rates.length == 0 ? OptionalDouble.empty() : OptionalDouble.of(java.util.Arrays.stream(rates).max().getAsDouble()),
                perRoundRatio(model, contestant, Contestants.RAW_ORT, runs),
                load(model, contestant, LoadPoint.HALF, runs),
                load(model, contestant, LoadPoint.NINETY, runs),
                median(capacity.stream().mapToDouble(RunResult::cpuMillisPerRecord).toArray()),
                all.stream().mapToDouble(RunResult::peakHeapMb).max(),
                all.stream().mapToDouble(RunResult::peakRssMb).max());
    }

    /**
     * The median over rounds of {@code contestant}'s capacity over {@code reference}'s in the same
     * round; empty when no round measured both.
     */
    static OptionalDouble perRoundRatio(String model, String contestant, String reference, List<SuiteRun> runs) {
        Map<Integer, Double> referenceRates = capacityByRound(model, reference, runs);
        Map<Integer, Double> rates = capacityByRound(model, contestant, runs);
        double[] ratios = rates.entrySet().stream().filter(e -> referenceRates.containsKey(e.getKey()))
                .mapToDouble(e -> e.getValue() / referenceRates.get(e.getKey())).toArray();
        return median(ratios);
    }

    private static Map<Integer, Double> capacityByRound(String model, String contestant, List<SuiteRun> runs) {
        Map<Integer, Double> byRound = new HashMap<>();
        for (SuiteRun run : runs) {
            if (run.model().equals(model) && run.contestant().equals(contestant) && run.load() == LoadPoint.CAPACITY
                    && run.result().records() > 0) {
                byRound.put(run.round(), run.result().recordsPerSecond());
            }
        }
        return byRound;
    }

    private static Optional<LoadFigures> load(String model, String contestant, LoadPoint load, List<SuiteRun> runs) {
        List<RunResult> paced = results(model, contestant, load, runs);
        if (paced.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new LoadFigures(paced.size(),
                Medians.of(paced.stream().mapToDouble(RunResult::recordsPerSecond).toArray()),
                Medians.of(paced.stream().mapToDouble(RunResult::p50Millis).toArray()),
                Medians.of(paced.stream().mapToDouble(RunResult::p99Millis).toArray())));
    }

    private static List<RunResult> results(String model, String contestant, LoadPoint load, List<SuiteRun> runs) {
        return runs.stream()
                .filter(r -> r.model().equals(model) && r.contestant().equals(contestant) && r.load() == load)
                .map(SuiteRun::result).filter(r -> r.records() > 0).toList();
    }

    private static OptionalDouble median(double[] values) {
        return values.length == 0 ? OptionalDouble.empty() : OptionalDouble.of(Medians.of(values));
    }
}
