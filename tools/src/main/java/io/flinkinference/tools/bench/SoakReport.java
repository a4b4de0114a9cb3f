package io.flinkinference.tools.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flinkinference.tools.bench.AlignedTable.Align;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * What {@code bench --soak} found: the samples as a table, a {@link GrowthCheck} verdict for each
 * memory level, and whether every record sent came back. It passed when no level grew, none was
 * too thinly sampled to judge, and no record failed or went missing.
 */
public record SoakReport(String model, String engine, String inputs, int maxBatchSize, double capacityPerSecond, double load,
        SoakRun.Result run, List<GrowthCheck.Verdict> verdicts) {
    /** The levels judged, by the name the report gives them. */
    public static final String HEAP = "heap after GC";
    public static final String DIRECT = "direct memory";
    public static final String RSS = "RSS";

    public SoakReport {
        verdicts = List.copyOf(verdicts);
    }

    /** Judges the run's samples: heap, direct memory and RSS (the last only where it could be read). */
    public static SoakReport of(String model, String engine, String inputs, int maxBatchSize, double capacityPerSecond,
            double load, SoakRun.Result run) {
        double runSeconds = run.duration().toMillis() / 1e3;
        List<GrowthCheck.Verdict> verdicts = new ArrayList<>();
        verdicts.add(GrowthCheck.judge(HEAP, series(run.samples(), SoakSample::heapAfterGcBytes), runSeconds));
        verdicts.add(GrowthCheck.judge(DIRECT, series(run.samples(), SoakSample::directBytes), runSeconds));
        if (run.samples().stream().allMatch(sample -> sample.rssBytes() >= 0)) {
            verdicts.add(GrowthCheck.judge(RSS, series(run.samples(), SoakSample::rssBytes), runSeconds));
        }
        return new SoakReport(model, engine, inputs, maxBatchSize, capacityPerSecond, load, run, verdicts);
    }

    private static List<GrowthCheck.Point> series(List<SoakSample> samples, ToLongFunction<SoakSample> level) {
        return samples.stream().map(sample -> new GrowthCheck.Point(sample.seconds(), level.applyAsLong(sample))).toList();
    }

    public boolean passed() {
        return problems().isEmpty();
    }

    /** One line per reason the soak failed: a level that grew or could not be judged, records failed or lost. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        verdicts.stream().filter(verdict -> !verdict.passed()).forEach(verdict -> problems.add(verdict.message()));
        if (run.failures() > 0) {
            problems.add(run.failures() + " of " + run.sent() + " records failed in the function; the first: " + run.firstFailure());
        }
        if (run.lost() > 0) {
            problems.add(run.lost() + " of " + run.sent() + " records were sent and neither answered nor failed");
        }
        return problems;
    }

    public String text() {
        StringBuilder out = new StringBuilder();
        out.append(String.format("Soak of %s on %s, %s: %.0f records/s (%.0f%% of the function's %.0f records/s at max batch %d) "
                + "for %.0f s, sampled every %.0f s%n%n", model, engine, inputs, run.recordsPerSecond(), 100 * load,
                capacityPerSecond, maxBatchSize, run.duration().toMillis() / 1e3, run.sampleEvery().toMillis() / 1e3));
        AlignedTable table = new AlignedTable().column("sample", Align.RIGHT).column("s", Align.RIGHT)
                .column("heap after GC MiB", Align.RIGHT)
                .column("heap committed MiB", Align.RIGHT).column("direct MiB", Align.RIGHT).column("RSS MiB", Align.RIGHT)
                .column("records", Align.RIGHT).column("records/s", Align.RIGHT).column("p99 ms", Align.RIGHT);
        for (SoakSample sample : run.samples()) {
            table.row(Integer.toString(sample.index()), String.format("%.1f", sample.seconds()), mib(sample.heapAfterGcBytes()),
                    mib(sample.heapCommittedBytes()), mib(sample.directBytes()), mib(sample.rssBytes()), Long.toString(sample.records()),
                    String.format("%.0f", sample.recordsPerSecond()),
                    Double.isNaN(sample.p99Millis()) ? "-" : String.format("%.1f", sample.p99Millis()));
        }
        out.append(table.render());
        out.append(String.format("%nRecords: %d sent, %d answered, %d failed, %d lost, in %.1f s%n", run.sent(), run.results(),
                run.failures(), run.lost(), run.seconds()));
        out.append("Growth (").append(GrowthCheck.rule()).append("):\n");
        verdicts.forEach(verdict -> out.append("  ").append(verdict.message()).append('\n'));
        out.append(passed() ? "Soak passed: no level grew and every record came back.\n"
                : "Soak FAILED: " + String.join("; ", problems()) + "\n");
        return out.toString();
    }

    public String json() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", model);
        json.put("engine", engine);
        json.put("inputs", inputs);
        json.put("maxBatchSize", maxBatchSize);
        json.put("capacityPerSecond", capacityPerSecond);
        json.put("load", load);
        json.put("recordsPerSecond", run.recordsPerSecond());
        json.put("durationSeconds", run.duration().toMillis() / 1e3);
        json.put("sampleEverySeconds", run.sampleEvery().toMillis() / 1e3);
        json.put("seconds", run.seconds());
        json.put("sent", run.sent());
        json.put("answered", run.results());
        json.put("failed", run.failures());
        json.put("lost", run.lost());
        json.put("samples", run.samples().stream().map(SoakReport::sampleJson).toList());
        json.put("verdicts", verdicts);
        json.put("rule", GrowthCheck.rule());
        json.put("passed", passed());
        json.put("problems", problems());
        try {
            return new ObjectMapper().writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the soak report as JSON", e);
        }
    }

    /** A sample with its p99 as null where no record came (JSON has no NaN). */
    private static Map<String, Object> sampleJson(SoakSample sample) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("index", sample.index());
        json.put("seconds", sample.seconds());
        json.put("heapAfterGcBytes", sample.heapAfterGcBytes());
        json.put("heapCommittedBytes", sample.heapCommittedBytes());
        json.put("directBytes", sample.directBytes());
        json.put("rssBytes", sample.rssBytes());
        json.put("records", sample.records());
        json.put("recordsPerSecond", sample.recordsPerSecond());
        json.put("p99Millis", Double.isNaN(sample.p99Millis()) ? null : sample.p99Millis());
        return json;
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "n/a" : String.format("%.1f", bytes / (double) (1L << 20));
    }
}
