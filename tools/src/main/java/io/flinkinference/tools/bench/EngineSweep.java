package io.flinkinference.tools.bench;

import io.flinkinference.operators.engine.BatchRange;
import io.flinkinference.operators.engine.ExecutionContext;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.operators.engine.Tensor;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * An engine's throughput and batch latency over batch sizes and numbers of concurrent callers,
 * with nothing of Flink: each caller has its own {@link ExecutionContext} and thread, as each
 * in-flight batch of the batching function has, and calls {@code infer} on the same prepared
 * batch in a loop. All callers of a point start together, warm up, and are then measured for the
 * same wall-clock window.
 */
public final class EngineSweep {
    /** Batch sizes tried when none are asked for, before they are capped by the engine's range. */
    public static final List<Integer> DEFAULT_BATCH_SIZES = List.of(1, 2, 4, 8, 16, 32);

    private final InferenceEngine engine;
    private final BatchInputs inputs;
    private final Duration warmUp;
    private final Duration window;

    /**
     * @param warmUp how long every caller runs before it is measured (zero: only the context's own warm-up)
     * @param window how long every caller is measured; at least one call each, however short
     */
    public EngineSweep(InferenceEngine engine, BatchInputs inputs, Duration warmUp, Duration window) {
        if (warmUp.isNegative() || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("The warm-up must not be negative and the measuring window must be positive, not "
                    + warmUp + " and " + window + ".");
        }
        this.engine = engine;
        this.inputs = inputs;
        this.warmUp = warmUp;
        this.window = window;
    }

    /** One measured point. Latencies are of one {@code infer} call, the whole batch's. */
    public record Measurement(int batchSize, int callers, long calls, long records, double seconds,
            double recordsPerSecond, double p50Millis, double p99Millis) {}

    /**
     * The batch sizes to sweep: {@code requested}, each of which the engine must accept, or the
     * defaults the engine accepts (its smallest size when it accepts none of them, e.g. a plan
     * fixed at batch 3).
     */
    public static List<Integer> batchSizes(List<Integer> requested, BatchRange range) {
        if (requested != null && !requested.isEmpty()) {
            for (int size : requested) {
                if (!range.contains(size)) {
                    throw new IllegalArgumentException("Batch size " + size + " is outside the engine's batch range " + range
                            + "; pick --batch-sizes within it.");
                }
            }
            return List.copyOf(requested);
        }
        List<Integer> sizes = DEFAULT_BATCH_SIZES.stream().filter(range::contains).toList();
        return sizes.isEmpty() ? List.of(range.min()) : sizes;
    }

    /**
     * Measures every batch size at every number of callers, in that order (callers vary fastest),
     * telling {@code progress} what it starts measuring.
     */
    public List<Measurement> run(List<Integer> batchSizes, List<Integer> callers, Consumer<String> progress) {
        List<Measurement> measurements = new ArrayList<>();
        int total = batchSizes.size() * callers.size();
        for (int batch : batchSizes) {
            for (int count : callers) {
                progress.accept(String.format("engine %d/%d: batch %d, %d caller(s), %.1f s warm-up + %.1f s ...",
                        measurements.size() + 1, total, batch, count, warmUp.toMillis() / 1e3, window.toMillis() / 1e3));
                measurements.add(measure(batch, count));
            }
        }
        return measurements;
    }

    /** One point: {@code callers} threads, each with its own context, running batches of {@code batchSize}. */
    public Measurement measure(int batchSize, int callers) {
        if (batchSize < 1 || callers < 1) {
            throw new IllegalArgumentException("Batch size and callers must be at least 1, not " + batchSize + " and " + callers + ".");
        }
        Window shared = new Window();
        CyclicBarrier ready = new CyclicBarrier(callers, shared::start);
        ExecutorService threads = Executors.newFixedThreadPool(callers, runnable -> {
            Thread thread = new Thread(runnable, "bench-caller");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<CallerResult>> results = new ArrayList<>();
            for (int caller = 0; caller < callers; caller++) {
                int index = caller;
                results.add(threads.submit(() -> call(batchSize, index, ready, shared)));
            }
            Histogram latencies = new Histogram(3);
            long calls = 0;
            long lastEnd = 0;
            for (Future<CallerResult> result : results) {
                CallerResult one = result.get();
                latencies.add(one.latencies);
                calls += one.calls;
                lastEnd = Math.max(lastEnd, one.lastEnd);
            }
            double seconds = (lastEnd - shared.measureFrom) / 1e9;
            long records = calls * batchSize;
            return new Measurement(batchSize, callers, calls, records, seconds, records / seconds,
                    latencies.getValueAtPercentile(50) / 1e6, latencies.getValueAtPercentile(99) / 1e6);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException runtime ? runtime
                    : new IllegalStateException("Batch " + batchSize + " with " + callers + " caller(s) failed: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while measuring", e);
        } finally {
            threads.shutdownNow();
        }
    }

    private CallerResult call(int batchSize, int caller, CyclicBarrier ready, Window shared)
            throws InterruptedException, BrokenBarrierException {
        try (ExecutionContext context = engine.newContext()) {
            context.warmUp(new int[] {batchSize});
            Map<String, Tensor> batch = inputs.batch(context, batchSize, caller);
            ready.await(); // the barrier's action sets the window, so every caller runs the same one
            while (System.nanoTime() < shared.measureFrom) {
                context.infer(batch);
            }
            Histogram latencies = new Histogram(3);
            long calls = 0;
            long end;
            do {
                long start = System.nanoTime();
                context.infer(batch);
                end = System.nanoTime();
                latencies.recordValue(end - start);
                calls++;
            } while (end < shared.measureUntil);
            return new CallerResult(latencies, calls, end);
        }
    }

    private record CallerResult(Histogram latencies, long calls, long lastEnd) {}

    /** When the callers of a point stop warming up and stop being measured; set once all are ready. */
    private final class Window {
        volatile long measureFrom;
        volatile long measureUntil;

        void start() {
            measureFrom = System.nanoTime() + warmUp.toNanos();
            measureUntil = measureFrom + window.toNanos();
        }
    }
}
