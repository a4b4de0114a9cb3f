package io.flinkinference.benchmarks.peers;

import io.flinkinference.benchmarks.Medians;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The suite's report in Markdown, from its runs alone (pure: no clock, no files): per model a
 * table of every contestant, issue 18's goals as verdict lines with the figures they rest on, and
 * the raw engine's curve. Contestants without runs stay in the table as "not measured".
 */
public final class PeerReport {
    /** Every contestant the report knows, in table order; those in the runs but not here follow. */
    static final List<String> TABLE_ORDER = List.of(Contestants.RAW_ORT, Contestants.FUNCTION, Contestants.FUNCTION_KAFKA,
            Contestants.DJL_PER_RECORD, Contestants.DJL_BATCH_32, Contestants.KAFKA_LOOP_PER_RECORD,
            Contestants.KAFKA_LOOP_BATCH_32);

    private final List<SuiteRun> runs;
    private final List<String> failedRuns;

    /** @param failedRuns one line per run that gave no result, e.g. "ppocr-cls:1 function round 2, capacity: exit status 1" */
    public PeerReport(List<SuiteRun> runs, List<String> failedRuns) {
        this.runs = List.copyOf(runs);
        this.failedRuns = List.copyOf(failedRuns);
    }

    /** The models in the order they were run. */
    public List<String> models() {
        Set<String> models = new LinkedHashSet<>();
        runs.forEach(run -> models.add(run.model()));
        return List.copyOf(models);
    }

    List<String> contestants(String model) {
        Set<String> names = new LinkedHashSet<>(TABLE_ORDER);
        runs.stream().filter(r -> r.model().equals(model)).forEach(r -> names.add(r.contestant()));
        return List.copyOf(names);
    }

    ContestantSummary summary(String model, String contestant) {
        return ContestantSummary.of(model, contestant, runs);
    }

    List<Verdict> verdicts(String model) {
        return new GoalVerdicts(model, runs).all();
    }

    /**
     * @param headingLevel the Markdown level of each model's heading (2 for a file of its own, 3 inside BENCHMARKS.md)
     * @param charts per model, the charts' image links, e.g. {@code bench/peers-ppocr-cls-1-throughput.png}
     */
    public String markdown(int headingLevel, Map<String, List<ChartLink>> charts) {
        StringBuilder out = new StringBuilder();
        String heading = "#".repeat(headingLevel);
        for (String model : models()) {
            out.append(heading).append(" `").append(model).append("`\n\n");
            table(out, model);
            out.append("\nThroughput at capacity (a backlog, as fast as the contestant takes records), median and min-max over "
                    + "rounds, and its ratio to the ceiling as the median of per-round ratios. Latency from a record's offer to "
                    + "its answer when paced at 50% and 90% of the contestant's own median capacity so far. CPU per record at "
                    + "capacity (the whole process: Flink, the engine, the garbage collector); memory peaks over all the "
                    + "contestant's runs. Each run has a JVM of its own.\n\n");
            for (Verdict verdict : verdicts(model)) {
                out.append(verdict.markdown()).append('\n');
            }
            curve(out, model);
            for (ChartLink chart : charts.getOrDefault(model, List.of())) {
                out.append("\n![").append(chart.title()).append("](").append(chart.path()).append(")\n");
            }
            out.append('\n');
        }
        if (!failedRuns.isEmpty()) {
            out.append(heading).append(" Runs that gave no result\n\n");
            failedRuns.forEach(line -> out.append("- ").append(line).append('\n'));
            out.append('\n');
        }
        return out.toString();
    }

    /** A chart of the report: its title (the image's alternative text) and where it is, relative to the report. */
    public record ChartLink(String title, String path) {}

    private void table(StringBuilder out, String model) {
        out.append("| contestant | records/s (median) | spread (min-max) | vs ceiling | p50 / p99 ms at 50% | "
                + "p50 / p99 ms at 90% | CPU ms / record | peak heap MB | peak RSS MB |\n");
        out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (String contestant : contestants(model)) {
            ContestantSummary s = summary(model, contestant);
            String spread = s.throughputMin().isPresent()
                    ? Figures.rate(s.throughputMin().getAsDouble()) + "-" + Figures.rate(s.throughputMax().getAsDouble())
                            + " (" + s.capacityRounds() + " round" + (s.capacityRounds() == 1 ? "" : "s") + ")"
                    : Figures.NOT_MEASURED;
            out.append("| ").append(contestant)
                    .append(" | ").append(Figures.or(s.throughputMedian(), Figures::rate))
                    .append(" | ").append(spread)
                    .append(" | ").append(Figures.or(s.ceilingRatio(), Figures::percent))
                    .append(" | ").append(latencies(s.half(), unanswered(model, contestant, LoadPoint.HALF)))
                    .append(" | ").append(latencies(s.ninety(), unanswered(model, contestant, LoadPoint.NINETY)))
                    .append(" | ").append(Figures.or(s.cpuMillisPerRecord(), Figures::cpu))
                    .append(" | ").append(Figures.or(s.peakHeapMb(), Figures::megabytes))
                    .append(" | ").append(Figures.or(s.peakRssMb(), Figures::megabytes))
                    .append(" |\n");
        }
    }

    private static String latencies(Optional<ContestantSummary.LoadFigures> load, boolean unanswered) {
        return load.map(f -> Figures.millis(f.p50Millis()) + " / " + Figures.millis(f.p99Millis()))
                .orElse(unanswered ? UNANSWERED : Figures.NOT_MEASURED);
    }

    /** What a paced point reads when it ran but no record was answered within its window (a fixed batch that never filled). */
    static final String UNANSWERED = "no answer within the window";

    /** Whether {@code load} was run for the contestant and every such run answered nothing. */
    private boolean unanswered(String model, String contestant, LoadPoint load) {
        List<SuiteRun> paced = runs.stream().filter(r -> r.model().equals(model) && r.contestant().equals(contestant)
                && r.load() == load).toList();
        return !paced.isEmpty() && paced.stream().allMatch(r -> r.result().records() == 0);
    }

    /** The raw engine's records/s by batch size and configuration, medians over its rounds. */
    private void curve(StringBuilder out, String model) {
        Map<String, Map<Integer, Double>> curve = medianCurve(model);
        if (curve.isEmpty()) {
            return;
        }
        Set<Integer> batches = new TreeSet<>();
        curve.values().forEach(points -> batches.addAll(points.keySet()));
        out.append("\n`").append(Contestants.RAW_ORT).append("` by batch size, records/s (median over rounds; the ceiling is "
                + "the best point, measured again over a full window):\n\n| batch |");
        curve.keySet().forEach(configuration -> out.append(' ').append(configuration).append(" |"));
        out.append("\n| ---: |");
        curve.keySet().forEach(configuration -> out.append(" ---: |"));
        out.append('\n');
        for (int batch : batches) {
            out.append("| ").append(batch).append(" |");
            for (Map<Integer, Double> points : curve.values()) {
                Double rate = points.get(batch);
                out.append(' ').append(rate == null ? Figures.NOT_MEASURED : Figures.rate(rate)).append(" |");
            }
            out.append('\n');
        }
    }

    /** Per configuration (in the order measured), records/s by batch size: medians over the raw engine's runs. */
    Map<String, Map<Integer, Double>> medianCurve(String model) {
        Map<String, Map<Integer, List<Double>>> collected = new LinkedHashMap<>();
        for (SuiteRun run : runs) {
            if (run.model().equals(model) && run.contestant().equals(Contestants.RAW_ORT)) {
                for (CurvePoint point : run.result().curve()) {
                    collected.computeIfAbsent(point.configuration(), c -> new LinkedHashMap<>())
                            .computeIfAbsent(point.batchSize(), b -> new ArrayList<>()).add(point.recordsPerSecond());
                }
            }
        }
        Map<String, Map<Integer, Double>> medians = new LinkedHashMap<>();
        collected.forEach((configuration, points) -> {
            Map<Integer, Double> byBatch = new LinkedHashMap<>();
            points.forEach((batch, rates) -> byBatch.put(batch, Medians.of(rates.stream().mapToDouble(Double::doubleValue).toArray())));
            medians.put(configuration, byBatch);
        });
        return medians;
    }
}
