package io.flinkinference.benchmarks.peers;

import io.flinkinference.engine.onnxruntime.OnnxRuntimeEngineProvider;
import io.flinkinference.engine.onnxruntime.OnnxRuntimeOptions;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.tools.bench.EngineSweep;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The ceiling: ONNX Runtime called directly on the workload's tensors, nothing of Flink. It first
 * sweeps batch sizes in three ways of driving the engine on {@code threads} cores (the curve the
 * chart draws), since which is best depends on the model and the machine:
 * <ul>
 *   <li>1 caller, ONNX Runtime's automatic intra-op pool;</li>
 *   <li>2 callers sharing one session, automatic pools (what two in-flight batches did before the
 *       function divided the cores);</li>
 *   <li>{@code threads} callers with 1 intra-op thread each.</li>
 * </ul>
 * Then it serves its measuring window with the best point of the sweep. Only at capacity: a paced
 * raw engine says nothing the others need.
 */
public final class RawOrtContestant implements Contestant, EngineCurve {
    public static final String NAME = "raw-ort";
    /** Powers of two up to 64: past the function's default max batch, to show where the curve bends. */
    public static final List<Integer> BATCH_SIZES = List.of(1, 2, 4, 8, 16, 32, 64);

    private final List<Integer> batchSizes;
    private final Consumer<String> progress;
    private List<CurvePoint> curve = List.of();

    public RawOrtContestant() {
        this(BATCH_SIZES, System.err::println);
    }

    /** A shorter sweep, for a smoke test. */
    RawOrtContestant(List<Integer> batchSizes, Consumer<String> progress) {
        if (batchSizes.isEmpty()) {
            throw new IllegalArgumentException("The raw engine needs at least one batch size to sweep.");
        }
        this.batchSizes = List.copyOf(batchSizes);
        this.progress = progress;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean usesKafka() {
        return false;
    }

    @Override
    public List<CurvePoint> curve() {
        return curve;
    }

    /** One way of driving the engine: how many callers, and the intra-op threads of their session (0: ONNX Runtime's choice). */
    record Configuration(String label, int callers, int intraOpThreads) {}

    static List<Configuration> configurations(int threads) {
        return List.of(
                new Configuration("1 caller, automatic threads", 1, 0),
                new Configuration("2 callers, one session, automatic threads", 2, 0),
                new Configuration(threads + " callers, 1 intra-op thread each", threads, 1));
    }

    @Override
    public void run(Workload workload, double offeredPerSecond, MeasuringWindow window) throws Exception {
        if (offeredPerSecond > 0) {
            throw new IllegalArgumentException("The raw engine is the ceiling and is measured at capacity only (offered 0), not at "
                    + offeredPerSecond + "/s.");
        }
        WorkloadBatches inputs = new WorkloadBatches(workload);
        // Each point of the sweep is short: 21 points of a full window each would take minutes a round.
        Duration pointWindow = Duration.ofMillis(Math.max(200, window.duration().toMillis() / 8));
        Duration pointWarmUp = Duration.ofMillis(Math.max(100, pointWindow.toMillis() / 4));
        List<CurvePoint> points = new ArrayList<>();
        try (InferenceEngine automatic = open(workload, 0); InferenceEngine single = open(workload, 1)) {
            CurvePoint best = null;
            InferenceEngine bestEngine = null;
            for (Configuration configuration : configurations(workload.threads())) {
                InferenceEngine engine = configuration.intraOpThreads() == 1 ? single : automatic;
                EngineSweep sweep = new EngineSweep(engine, inputs, pointWarmUp, pointWindow);
                for (int batch : batchSizes) {
                    EngineSweep.Measurement measured = sweep.measure(batch, configuration.callers());
                    CurvePoint point = new CurvePoint(configuration.label(), batch, configuration.callers(),
                            measured.recordsPerSecond(), measured.p50Millis(), measured.p99Millis());
                    points.add(point);
                    progress.accept(String.format("  raw-ort %s, batch %d: %.0f records/s", configuration.label(), batch,
                            point.recordsPerSecond()));
                    if (best == null || point.recordsPerSecond() > best.recordsPerSecond()) {
                        best = point;
                        bestEngine = engine;
                    }
                }
            }
            curve = List.copyOf(points);
            progress.accept("  raw-ort best: " + best.configuration() + ", batch " + best.batchSize() + "; measuring it");
            EngineLoop.serve(bestEngine, inputs, best.batchSize(), best.callers(), workload.warmUp(), window);
        }
    }

    private static InferenceEngine open(Workload workload, int intraOpThreads) {
        org.apache.flink.configuration.Configuration options = new org.apache.flink.configuration.Configuration();
        options.set(OnnxRuntimeOptions.INTRA_OP_THREADS, intraOpThreads);
        return new OnnxRuntimeEngineProvider().open(workload.model(), options, -1);
    }
}
