package io.flinkinference.benchmarks.peers;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PeerReportTest {
    private static final String MODEL = "ppocr-cls:1";

    private static RunResult result(String contestant, double rate, double p50, double p99) {
        return new RunResult(contestant, MODEL, 0, (long) (rate * 10), 10, rate, p50, p99, p99 * 1.5, 0, 1.25, 300, 900, List.of());
    }

    private static SuiteRun capacity(int round, String contestant, double rate) {
        return new SuiteRun(round, LoadPoint.CAPACITY, result(contestant, rate, 100, 200));
    }

    private static SuiteRun paced(int round, LoadPoint load, String contestant, double rate, double p50, double p99) {
        return new SuiteRun(round, load, result(contestant, rate, p50, p99));
    }

    /** Three rounds: the ceiling moves 800-1200 and the function follows it at 90-95% per round. */
    private static List<SuiteRun> threeRounds() {
        List<SuiteRun> runs = new ArrayList<>();
        double[] ceiling = {1000, 800, 1200};
        double[] function = {950, 720, 1080}; // 95%, 90%, 90%
        double[] djl = {500, 400, 800};       // 1.9x, 1.8x, 1.35x
        for (int r = 0; r < 3; r++) {
            runs.add(capacity(r + 1, Contestants.RAW_ORT, ceiling[r]));
            runs.add(capacity(r + 1, Contestants.FUNCTION, function[r]));
            runs.add(capacity(r + 1, Contestants.DJL_PER_RECORD, djl[r]));
            runs.add(paced(r + 1, LoadPoint.HALF, Contestants.FUNCTION, 475, 2 + r, 8 + r));
            runs.add(paced(r + 1, LoadPoint.NINETY, Contestants.FUNCTION, 855, 4, 20));
            runs.add(paced(r + 1, LoadPoint.HALF, Contestants.DJL_PER_RECORD, 250, 2, 5));
        }
        return runs;
    }

    @Test
    void throughputIsTheMedianOverRoundsWithItsSpreadAndTheRatioIsTheMedianOfPerRoundRatios() {
        ContestantSummary function = new PeerReport(threeRounds(), List.of()).summary(MODEL, Contestants.FUNCTION);

        assertThat(function.throughputMedian().getAsDouble()).isEqualTo(950);
        assertThat(function.throughputMin().getAsDouble()).isEqualTo(720);
        assertThat(function.throughputMax().getAsDouble()).isEqualTo(1080);
        // Per round 95%, 90%, 90%: the median is 90%, while the ratio of medians would be 950/1000 = 95%.
        assertThat(function.ceilingRatio().getAsDouble()).isCloseTo(0.90, within(1e-9));
        assertThat(function.half().orElseThrow().p99Millis()).isEqualTo(9);
        assertThat(function.ninety().orElseThrow().p50Millis()).isEqualTo(4);
        assertThat(function.capacityRounds()).isEqualTo(3);
    }

    @Test
    void aRatioOnlyCountsRoundsThatMeasuredBoth() {
        List<SuiteRun> runs = new ArrayList<>(List.of(
                capacity(1, Contestants.RAW_ORT, 1000), capacity(1, Contestants.FUNCTION, 500),
                capacity(2, Contestants.FUNCTION, 2000))); // round 2 has no ceiling: not a ratio of 2000/1000
        assertThat(new PeerReport(runs, List.of()).summary(MODEL, Contestants.FUNCTION).ceilingRatio().getAsDouble()).isEqualTo(0.5);
    }

    @Test
    void aRunThatAnsweredNothingIsNotMeasured() {
        RunResult empty = new RunResult(Contestants.FUNCTION, MODEL, 0, 0, 10, 0, 0, 0, 0, 3, 0, 100, 200, List.of());
        ContestantSummary summary = new PeerReport(List.of(capacity(1, Contestants.RAW_ORT, 1000),
                new SuiteRun(1, LoadPoint.CAPACITY, empty)), List.of()).summary(MODEL, Contestants.FUNCTION);
        assertThat(summary.throughputMedian()).isEmpty();
        assertThat(summary.ceilingRatio()).isEmpty();
    }

    @Test
    void aPacedPointThatAnsweredNothingSaysSoInsteadOfNotMeasured() {
        RunResult nothing = new RunResult(Contestants.DJL_BATCH_32, MODEL, 10, 0, 3, 0, 0, 0, 0, 0, 0, 100, 200, List.of());
        String markdown = new PeerReport(List.of(capacity(1, Contestants.DJL_BATCH_32, 21),
                new SuiteRun(1, LoadPoint.HALF, nothing)), List.of()).markdown(2, Map.of());

        assertThat(markdown).contains("| djl-batch-32 | 21.0 | 21.0-21.0 (1 round) | not measured | "
                + PeerReport.UNANSWERED + " | not measured |");
    }

    @Test
    void goalsAreJudgedOnTheMeasuredFigures() {
        Map<String, Verdict> verdicts = byGoal(new PeerReport(threeRounds(), List.of()).verdicts(MODEL));

        Verdict ceiling = verdicts.get("`function` reaches at least 90% of the ceiling without Kafka");
        assertThat(ceiling.status()).isEqualTo(Verdict.Status.MET);
        assertThat(ceiling.detail()).contains("90% of `raw-ort`").contains("3 round(s)");

        Verdict overDjl = verdicts.get("`function` has at least 1.5x the throughput of `djl-per-record`");
        assertThat(overDjl.status()).isEqualTo(Verdict.Status.MET);
        assertThat(overDjl.detail()).startsWith("1.80x"); // per round 1.9, 1.8, 1.35

        // Function p99 at half load 9 ms (median of 8, 9, 10) against DJL's 5 ms: 1.8x, within 2x.
        Verdict halfLoad = verdicts.get("`function`'s p99 at half load is at most 2x `djl-per-record`'s");
        assertThat(halfLoad.status()).isEqualTo(Verdict.Status.MET);
        assertThat(halfLoad.detail()).startsWith("9.00 ms against 5.00 ms, 1.80x");
    }

    @Test
    void aMissedGoalSaysByHowMuch() {
        List<SuiteRun> runs = List.of(capacity(1, Contestants.RAW_ORT, 1000), capacity(1, Contestants.FUNCTION, 840),
                capacity(1, Contestants.DJL_PER_RECORD, 700),
                paced(1, LoadPoint.HALF, Contestants.FUNCTION, 420, 10, 30), paced(1, LoadPoint.HALF, Contestants.DJL_PER_RECORD, 350, 3, 5));
        Map<String, Verdict> verdicts = byGoal(new PeerReport(runs, List.of()).verdicts(MODEL));

        Verdict ceiling = verdicts.get("`function` reaches at least 90% of the ceiling without Kafka");
        assertThat(ceiling.status()).isEqualTo(Verdict.Status.MISSED);
        assertThat(ceiling.detail()).contains("84% of `raw-ort`").endsWith("6.0 points short of 90%");
        Verdict overDjl = verdicts.get("`function` has at least 1.5x the throughput of `djl-per-record`");
        assertThat(overDjl.status()).isEqualTo(Verdict.Status.MISSED);
        assertThat(overDjl.detail()).startsWith("1.20x").endsWith("0.30x short");
        Verdict halfLoad = verdicts.get("`function`'s p99 at half load is at most 2x `djl-per-record`'s");
        assertThat(halfLoad.status()).isEqualTo(Verdict.Status.MISSED);
        assertThat(halfLoad.detail()).endsWith("20.0 ms over the limit of 10.0 ms");
    }

    @Test
    void goalsWithoutTheirContestantsAreNotMeasured() {
        PeerReport report = new PeerReport(List.of(capacity(1, Contestants.FUNCTION, 900)), List.of());
        List<Verdict> verdicts = report.verdicts(MODEL);

        assertThat(verdicts).hasSize(5).allSatisfy(v -> assertThat(v.status()).isEqualTo(Verdict.Status.NOT_MEASURED));
        assertThat(byGoal(verdicts).get("`function-kafka` reaches at least 80% of the ceiling with Kafka").markdown())
                .contains("**not measured** (no round measured both `function-kafka` and `raw-ort` at capacity)");
        String markdown = report.markdown(2, Map.of());
        // Contestants never run stay in the table, without a made-up number.
        assertThat(markdown).contains("| kafka-loop-batch-32 | not measured | not measured | not measured |");
        assertThat(markdown).contains("| function | 900 | 900-900 (1 round) | not measured |");
    }

    @Test
    void theKafkaJobIsComparedToTheBatchingLoopAtTheLoopsThroughputs() {
        List<SuiteRun> runs = List.of(
                paced(1, LoadPoint.HALF, Contestants.FUNCTION_KAFKA, 300, 5, 20),
                paced(1, LoadPoint.NINETY, Contestants.FUNCTION_KAFKA, 540, 8, 40),
                paced(1, LoadPoint.HALF, Contestants.KAFKA_LOOP_BATCH_32, 200, 60, 90),
                paced(1, LoadPoint.NINETY, Contestants.KAFKA_LOOP_BATCH_32, 360, 50, 45));
        Verdict verdict = byGoal(new PeerReport(runs, List.of()).verdicts(MODEL))
                .get("`function-kafka` has a lower p99 than `kafka-loop-batch-32` at equal throughput");

        assertThat(verdict.status()).isEqualTo(Verdict.Status.MET);
        // At 200/s, below the job's lowest point: its 20 ms there bounds it. At 360/s: 20 + 60/240 x 20 = 25 ms.
        assertThat(verdict.detail()).contains("at 200 records/s 20.0 ms (at most: its p99 at a higher load) against 90.0 ms")
                .contains("at 360 records/s 25.0 ms against 45.0 ms");
    }

    @Test
    void aLoopPointBeyondTheJobsRangeIsNotComparable() {
        List<SuiteRun> runs = List.of(
                paced(1, LoadPoint.HALF, Contestants.FUNCTION_KAFKA, 100, 5, 20),
                paced(1, LoadPoint.NINETY, Contestants.FUNCTION_KAFKA, 180, 8, 60),
                paced(1, LoadPoint.HALF, Contestants.KAFKA_LOOP_BATCH_32, 150, 30, 50),
                paced(1, LoadPoint.NINETY, Contestants.KAFKA_LOOP_BATCH_32, 270, 30, 55));
        Verdict verdict = byGoal(new PeerReport(runs, List.of()).verdicts(MODEL))
                .get("`function-kafka` has a lower p99 than `kafka-loop-batch-32` at equal throughput");

        // At 150/s the job has 20 + 50/80 x 40 = 45 ms < 50 ms; 270/s is past its 90% point, so it is not compared.
        assertThat(verdict.status()).isEqualTo(Verdict.Status.MET);
        assertThat(verdict.detail()).contains("at 150 records/s 45.0 ms against 50.0 ms")
                .contains("at 270 records/s not comparable");
    }

    @Test
    void theRawCurveIsTabledByBatchSize() {
        List<CurvePoint> curve = List.of(new CurvePoint("1 caller, automatic threads", 1, 1, 400, 2.5, 3),
                new CurvePoint("1 caller, automatic threads", 8, 1, 900, 9, 10),
                new CurvePoint("2 callers, 1 intra-op thread each", 1, 2, 500, 4, 5),
                new CurvePoint("2 callers, 1 intra-op thread each", 8, 2, 1500, 10, 11));
        List<SuiteRun> runs = List.of(new SuiteRun(1, LoadPoint.CAPACITY, result(Contestants.RAW_ORT, 1500, 10, 11).withCurve(curve)),
                new SuiteRun(2, LoadPoint.CAPACITY, result(Contestants.RAW_ORT, 1300, 10, 11).withCurve(List.of(
                        new CurvePoint("1 caller, automatic threads", 8, 1, 700, 9, 10)))));
        String markdown = new PeerReport(runs, List.of("ppocr-cls:1 function round 1: exit status 1")).markdown(3, Map.of(MODEL,
                List.of(new PeerReport.ChartLink("throughput", "bench/peers-ppocr-cls-1-throughput-by-batch.png"))));

        assertThat(markdown).startsWith("### `ppocr-cls:1`");
        assertThat(markdown).contains("| batch | 1 caller, automatic threads | 2 callers, 1 intra-op thread each |")
                .contains("| 1 | 400 | 500 |")
                .contains("| 8 | 800 | 1500 |"); // median of 900 and 700
        assertThat(markdown).contains("![throughput](bench/peers-ppocr-cls-1-throughput-by-batch.png)");
        assertThat(markdown).contains("### Runs that gave no result\n\n- ppocr-cls:1 function round 1: exit status 1");
    }

    private static Map<String, Verdict> byGoal(List<Verdict> verdicts) {
        Map<String, Verdict> byGoal = new java.util.HashMap<>();
        verdicts.forEach(v -> byGoal.put(v.goal(), v));
        return byGoal;
    }
}
