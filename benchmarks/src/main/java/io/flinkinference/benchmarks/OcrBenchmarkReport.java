package io.flinkinference.benchmarks;

import java.util.List;
import java.util.function.ToDoubleFunction;

/** {@link OcrBenchmark}'s rounds as Markdown: per-round throughput, then per-stage medians over the rounds. */
final class OcrBenchmarkReport {
    private OcrBenchmarkReport() {}

    static String markdown(List<OcrBenchmark.Round> rounds, int pages, int roundCount, int parallelism, String[] stages,
            String[] steps) {
        StringBuilder md = new StringBuilder();
        md.append(pages).append(" seeded pages (1-5 lines each), ").append(roundCount).append(" rounds, job parallelism ")
                .append(parallelism).append("\n\n");

        md.append("| round | job images/s | job lines/s | raw stages one after another, images/s | job / raw |\n"
                + "| ---: | ---: | ---: | ---: | ---: |\n");
        for (int r = 0; r < rounds.size(); r++) {
            OcrBenchmark.Round round = rounds.get(r);
            md.append(String.format("| %d | %.2f | %.1f | %.2f | %.2fx |%n", r + 1, round.imagesPerSecond(), round.linesPerSecond(),
                    round.rawImagesPerSecond(), round.imagesPerSecond() / round.rawImagesPerSecond()));
        }
        md.append(String.format("| median | %.2f | %.1f | %.2f | %.2fx |%n%n", median(rounds, OcrBenchmark.Round::imagesPerSecond),
                median(rounds, OcrBenchmark.Round::linesPerSecond), median(rounds, OcrBenchmark.Round::rawImagesPerSecond),
                median(rounds, r -> r.imagesPerSecond() / r.rawImagesPerSecond())));

        md.append("Per record, medians over the rounds (microseconds; job from its `timeNanos.*` metrics, raw engines called "
                + "directly at the job's mean batch size, rounded):\n\n");
        md.append("| stage | records | job mean batch | job pre | job stack | job engine | job post | raw pre | raw engine "
                + "| job engine / raw | job all steps / raw pre + engine |\n");
        md.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (int s = 0; s < stages.length; s++) {
            int stage = s;
            md.append(String.format("| %s | %d | %.1f | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.2fx | %.2fx |%n", stages[s],
                    (long) median(rounds, r -> r.job()[stage].records()),
                    median(rounds, r -> r.job()[stage].meanBatch()),
                    median(rounds, r -> r.job()[stage].nanosPerRecord()[0] / 1e3),
                    median(rounds, r -> r.job()[stage].nanosPerRecord()[1] / 1e3),
                    median(rounds, r -> r.job()[stage].nanosPerRecord()[2] / 1e3),
                    median(rounds, r -> r.job()[stage].nanosPerRecord()[3] / 1e3),
                    median(rounds, r -> r.raw()[stage].preprocessNanos() / 1e3),
                    median(rounds, r -> r.raw()[stage].engineNanos() / 1e3),
                    median(rounds, r -> OcrBenchmark.engineRatio(r, stage)),
                    median(rounds, r -> r.job()[stage].totalNanos() / r.job()[stage].records()
                            / (r.raw()[stage].preprocessNanos() + r.raw()[stage].engineNanos()))));
        }

        md.append("\nShare of the job's time in its steps (all stages' step time summed; the stages run at once, so this is "
                + "not wall time), medians over the rounds:\n\n| ");
        for (String stage : stages) {
            md.append(stage).append(" engine | ");
        }
        md.append("pre/post-processing and stacking, all stages |\n|");
        md.append(" ---: |".repeat(stages.length + 1)).append("\n|");
        for (int s = 0; s < stages.length; s++) {
            int stage = s;
            md.append(String.format(" %.0f%% |", 100 * median(rounds, r -> engineNanos(r, stage) / allNanos(r))));
        }
        md.append(String.format(" %.0f%% |%n", 100 * median(rounds, r -> {
            double engines = 0;
            for (int s = 0; s < r.job().length; s++) {
                engines += engineNanos(r, s);
            }
            return 1 - engines / allNanos(r);
        })));

        md.append("\nThe same by step and stage (percent of all step time, medians):\n\n| stage |");
        for (String step : steps) {
            md.append(' ').append(step).append(" |");
        }
        md.append("\n| --- |").append(" ---: |".repeat(steps.length)).append('\n');
        for (int s = 0; s < stages.length; s++) {
            md.append("| ").append(stages[s]).append(" |");
            for (int step = 0; step < steps.length; step++) {
                int stage = s;
                int st = step;
                md.append(String.format(" %.1f%% |", 100 * median(rounds,
                        r -> r.job()[stage].nanosPerRecord()[st] * r.job()[stage].records() / allNanos(r))));
            }
            md.append('\n');
        }
        return md.toString();
    }

    private static double engineNanos(OcrBenchmark.Round round, int stage) {
        return round.job()[stage].nanosPerRecord()[2] * round.job()[stage].records();
    }

    private static double allNanos(OcrBenchmark.Round round) {
        double sum = 0;
        for (OcrBenchmark.JobStage stage : round.job()) {
            sum += stage.totalNanos();
        }
        return sum;
    }

    private static double median(List<OcrBenchmark.Round> rounds, ToDoubleFunction<OcrBenchmark.Round> figure) {
        return Medians.of(rounds.stream().mapToDouble(figure).toArray());
    }
}
