package io.flinkinference.benchmarks.peers;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Issue 18's goals, judged on one model's runs, each with the figures it rests on. A goal whose
 * contestants were not measured says so, and never borrows a number from elsewhere.
 */
final class GoalVerdicts {
    static final double FUNCTION_SHARE_OF_CEILING = 0.90;
    static final double FUNCTION_KAFKA_SHARE_OF_CEILING = 0.80;
    static final double FUNCTION_OVER_DJL = 1.5;
    static final double HALF_LOAD_P99_LIMIT = 2.0;

    private final String model;
    private final List<SuiteRun> runs;

    GoalVerdicts(String model, List<SuiteRun> runs) {
        this.model = model;
        this.runs = List.copyOf(runs);
    }

    List<Verdict> all() {
        return List.of(
                shareOfCeiling(Contestants.FUNCTION, FUNCTION_SHARE_OF_CEILING, "without Kafka"),
                shareOfCeiling(Contestants.FUNCTION_KAFKA, FUNCTION_KAFKA_SHARE_OF_CEILING, "with Kafka"),
                functionOverDjl(),
                halfLoadP99(),
                kafkaP99AtEqualThroughput());
    }

    Verdict shareOfCeiling(String contestant, double goal, String how) {
        String name = String.format("`%s` reaches at least %s of the ceiling %s", contestant, Figures.percent(goal), how);
        ContestantSummary summary = summary(contestant);
        if (summary.ceilingRatio().isEmpty()) {
            return Verdict.notMeasured(name, "no round measured both `" + contestant + "` and `" + Contestants.RAW_ORT + "` at capacity");
        }
        double ratio = summary.ceilingRatio().getAsDouble();
        String figures = String.format("%s of `%s`, median of per-round ratios over %d round(s); %s against %s records/s in the median",
                Figures.percent(ratio), Contestants.RAW_ORT, summary.capacityRounds(),
                Figures.rate(summary.throughputMedian().getAsDouble()),
                Figures.or(summary(Contestants.RAW_ORT).throughputMedian(), Figures::rate));
        if (ratio >= goal) {
            return new Verdict(name, Verdict.Status.MET, figures);
        }
        return new Verdict(name, Verdict.Status.MISSED, figures + String.format(java.util.Locale.ROOT, "; %.1f points short of %s",
                100 * (goal - ratio), Figures.percent(goal)));
    }

    Verdict functionOverDjl() {
        String name = String.format("`%s` has at least %.1fx the throughput of `%s`", Contestants.FUNCTION, FUNCTION_OVER_DJL,
                Contestants.DJL_PER_RECORD);
        OptionalDouble ratio = ContestantSummary.perRoundRatio(model, Contestants.FUNCTION, Contestants.DJL_PER_RECORD, runs);
        if (ratio.isEmpty()) {
            return Verdict.notMeasured(name, "no round measured both at capacity");
        }
        String figures = String.format("%s, median of per-round ratios; %s against %s records/s in the median",
                Figures.times(ratio.getAsDouble()), Figures.or(summary(Contestants.FUNCTION).throughputMedian(), Figures::rate),
                Figures.or(summary(Contestants.DJL_PER_RECORD).throughputMedian(), Figures::rate));
        return ratio.getAsDouble() >= FUNCTION_OVER_DJL ? new Verdict(name, Verdict.Status.MET, figures)
                : new Verdict(name, Verdict.Status.MISSED, figures + String.format(java.util.Locale.ROOT, "; %.2fx short",
                        FUNCTION_OVER_DJL - ratio.getAsDouble()));
    }

    Verdict halfLoadP99() {
        String name = String.format("`%s`'s p99 at half load is at most %.0fx `%s`'s", Contestants.FUNCTION, HALF_LOAD_P99_LIMIT,
                Contestants.DJL_PER_RECORD);
        Optional<ContestantSummary.LoadFigures> function = summary(Contestants.FUNCTION).half();
        Optional<ContestantSummary.LoadFigures> djl = summary(Contestants.DJL_PER_RECORD).half();
        if (function.isEmpty() || djl.isEmpty()) {
            return Verdict.notMeasured(name, "no run of " + (function.isEmpty() ? "`" + Contestants.FUNCTION + "`" : "`"
                    + Contestants.DJL_PER_RECORD + "`") + " at 50% load");
        }
        double limit = HALF_LOAD_P99_LIMIT * djl.get().p99Millis();
        double ratio = function.get().p99Millis() / djl.get().p99Millis();
        String figures = String.format("%s ms against %s ms, %s; each at half its own capacity (%s and %s records/s), medians over rounds",
                Figures.millis(function.get().p99Millis()), Figures.millis(djl.get().p99Millis()), Figures.times(ratio),
                Figures.rate(function.get().recordsPerSecond()), Figures.rate(djl.get().recordsPerSecond()));
        return function.get().p99Millis() <= limit ? new Verdict(name, Verdict.Status.MET, figures)
                : new Verdict(name, Verdict.Status.MISSED, figures + "; " + Figures.millis(function.get().p99Millis() - limit)
                        + " ms over the limit of " + Figures.millis(limit) + " ms");
    }

    /**
     * Compared where the hand-written loop was measured: at its own 50% and 90% load points, by the
     * throughput each reached. The job's p99 at that throughput comes from its own load points
     * ({@link LatencyAtThroughput}); a point beyond the job's 90% load is left out as not comparable.
     */
    Verdict kafkaP99AtEqualThroughput() {
        String name = String.format("`%s` has a lower p99 than `%s` at equal throughput", Contestants.FUNCTION_KAFKA,
                Contestants.KAFKA_LOOP_BATCH_32);
        ContestantSummary job = summary(Contestants.FUNCTION_KAFKA);
        ContestantSummary loop = summary(Contestants.KAFKA_LOOP_BATCH_32);
        List<LatencyAtThroughput.Point> jobPoints = new ArrayList<>();
        job.half().ifPresent(f -> jobPoints.add(new LatencyAtThroughput.Point(f.recordsPerSecond(), f.p99Millis())));
        job.ninety().ifPresent(f -> jobPoints.add(new LatencyAtThroughput.Point(f.recordsPerSecond(), f.p99Millis())));
        List<ContestantSummary.LoadFigures> loopPoints = new ArrayList<>();
        loop.half().ifPresent(loopPoints::add);
        loop.ninety().ifPresent(loopPoints::add);
        if (jobPoints.isEmpty() || loopPoints.isEmpty()) {
            return Verdict.notMeasured(name, "no paced run of " + (jobPoints.isEmpty() ? "`" + Contestants.FUNCTION_KAFKA + "`"
                    : "`" + Contestants.KAFKA_LOOP_BATCH_32 + "`"));
        }
        List<String> comparisons = new ArrayList<>();
        boolean compared = false;
        boolean lower = true;
        for (ContestantSummary.LoadFigures point : loopPoints) {
            Optional<LatencyAtThroughput.Estimate> estimate = LatencyAtThroughput.at(jobPoints, point.recordsPerSecond());
            if (estimate.isEmpty()) {
                comparisons.add(String.format("at %s records/s not comparable: beyond `%s`'s 90%% load point",
                        Figures.rate(point.recordsPerSecond()), Contestants.FUNCTION_KAFKA));
                continue;
            }
            compared = true;
            lower &= estimate.get().millis() < point.p99Millis();
            comparisons.add(String.format("at %s records/s %s ms%s against %s ms", Figures.rate(point.recordsPerSecond()),
                    Figures.millis(estimate.get().millis()), estimate.get().upperBound() ? " (at most: its p99 at a higher load)" : "",
                    Figures.millis(point.p99Millis())));
        }
        String figures = String.join("; ", comparisons)
                + "; compared at the loop's 50% and 90% load points, the job's p99 interpolated between its own";
        if (!compared) {
            return Verdict.notMeasured(name, figures);
        }
        return new Verdict(name, lower ? Verdict.Status.MET : Verdict.Status.MISSED, figures);
    }

    private ContestantSummary summary(String contestant) {
        return ContestantSummary.of(model, contestant, runs);
    }
}
