package io.flinkinference.tools.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flinkinference.tools.bench.AlignedTable.Align;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code flink-inference bench} found, as tables for people (the best configuration of each
 * sweep marked) and as one JSON object for scripts. The best is the highest throughput; on a tie
 * the earlier point, which is the smaller batch or the fewer callers.
 */
public record BenchReport(String model, String engine, String inputs, double warmUpSeconds, double seconds,
        List<EngineSweep.Measurement> engineSweep, List<FunctionSweep.Measurement> functionSweep) {
    private static final String BEST = "<- best";

    public BenchReport {
        engineSweep = List.copyOf(engineSweep);
        functionSweep = List.copyOf(functionSweep);
    }

    public Optional<EngineSweep.Measurement> bestEngine() {
        return best(engineSweep, EngineSweep.Measurement::recordsPerSecond);
    }

    public Optional<FunctionSweep.Measurement> bestFunction() {
        return best(functionSweep, FunctionSweep.Measurement::recordsPerSecond);
    }

    public String text() {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%s on %s, %s; %.1f s per point after %.1f s of warm-up%n%n", model, engine, inputs, seconds,
                warmUpSeconds));
        out.append("Engine (each caller its own execution context; latency of one batch call):\n\n");
        AlignedTable engineTable = new AlignedTable().column("batch", Align.RIGHT).column("callers", Align.RIGHT)
                .column("records/s", Align.RIGHT).column("p50 ms", Align.RIGHT).column("p99 ms", Align.RIGHT)
                .column("", Align.LEFT);
        EngineSweep.Measurement bestEngine = bestEngine().orElse(null);
        for (EngineSweep.Measurement m : engineSweep) {
            engineTable.row(Integer.toString(m.batchSize()), Integer.toString(m.callers()), rate(m.recordsPerSecond()),
                    millis(m.p50Millis()), millis(m.p99Millis()), m == bestEngine ? BEST : "");
        }
        out.append(engineTable.render());
        if (!functionSweep.isEmpty()) {
            out.append("\nBatching function (MiniCluster, parallelism 1; latency of one record, making to result):\n\n");
            AlignedTable functionTable = new AlignedTable().column("max batch", Align.RIGHT).column("records", Align.RIGHT)
                    .column("records/s", Align.RIGHT).column("mean batch", Align.RIGHT).column("p50 ms", Align.RIGHT)
                    .column("p99 ms", Align.RIGHT).column("", Align.LEFT);
            FunctionSweep.Measurement bestFunction = bestFunction().orElse(null);
            for (FunctionSweep.Measurement m : functionSweep) {
                functionTable.row(Integer.toString(m.maxBatchSize()), Long.toString(m.records()), rate(m.recordsPerSecond()),
                        String.format("%.1f", m.meanBatchSize()), millis(m.p50Millis()), millis(m.p99Millis()),
                        m == bestFunction ? BEST : "");
            }
            out.append(functionTable.render());
        }
        return out.toString();
    }

    /** One JSON object: the settings, both sweeps' points and each sweep's best (null when the sweep did not run). */
    public String json() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", model);
        json.put("engine", engine);
        json.put("inputs", inputs);
        json.put("warmUpSeconds", warmUpSeconds);
        json.put("seconds", seconds);
        json.put("engineSweep", engineSweep);
        json.put("bestEngine", bestEngine().orElse(null));
        json.put("functionSweep", functionSweep);
        json.put("bestFunction", bestFunction().orElse(null));
        try {
            return new ObjectMapper().writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the report as JSON", e);
        }
    }

    private static <T> Optional<T> best(List<T> points, java.util.function.ToDoubleFunction<T> rate) {
        return points.stream().max(Comparator.comparingDouble(rate)); // of equals, max() keeps the first
    }

    private static String rate(double perSecond) {
        return String.format("%.0f", perSecond);
    }

    private static String millis(double value) {
        return String.format(value < 10 ? "%.2f" : "%.1f", value);
    }
}
