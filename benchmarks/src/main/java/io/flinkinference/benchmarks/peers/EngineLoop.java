package io.flinkinference.benchmarks.peers;

import io.flinkinference.operators.engine.ExecutionContext;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.operators.engine.Tensor;
import io.flinkinference.tools.bench.BatchInputs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The raw engine in a tight loop for one measuring window: {@code callers} threads, each with its
 * own context and a batch written once, as the engine sweep runs a point, but answering into the
 * suite's {@link MeasuringWindow} so that the ceiling's figure (throughput, CPU, memory) is taken
 * the same way as every other contestant's. A record's latency is its batch's call: the raw
 * engine has no queue.
 */
final class EngineLoop {
    private EngineLoop() {}

    static void serve(InferenceEngine engine, BatchInputs inputs, int batchSize, int callers, Duration warmUp,
            MeasuringWindow window) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(callers, runnable -> {
            Thread thread = new Thread(runnable, "raw-engine-caller");
            thread.setDaemon(true);
            return thread;
        });
        Stop stop = new Stop();
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int caller = 0; caller < callers; caller++) {
                int index = caller;
                running.add(threads.submit(() -> {
                    call(engine, inputs, batchSize, index, window, stop);
                    return null;
                }));
            }
            Thread.sleep(warmUp.toMillis());
            window.begin();
            Thread.sleep(window.duration().toMillis());
            window.end();
            stop.now = true;
            for (Future<?> caller : running) {
                caller.get();
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } finally {
            stop.now = true;
            threads.shutdownNow();
        }
    }

    private static void call(InferenceEngine engine, BatchInputs inputs, int batchSize, int caller, MeasuringWindow window,
            Stop stop) {
        try (ExecutionContext context = engine.newContext()) {
            context.warmUp(new int[] {batchSize});
            Map<String, Tensor> batch = inputs.batch(context, batchSize, caller);
            while (!stop.now) {
                long start = System.nanoTime();
                context.infer(batch);
                long took = System.nanoTime() - start;
                for (int row = 0; row < batchSize; row++) {
                    window.record(took);
                }
            }
        }
    }

    private static final class Stop {
        volatile boolean now;
    }
}
