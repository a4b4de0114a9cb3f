package io.flinkinference.operators.batching;

import io.flinkinference.operators.engine.ExecutionContext;
import io.flinkinference.operators.engine.Tensor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Times one execution context at each of a list of batch sizes, smallest first, within a time
 * budget, and gives records per second per size. Each size gets one untimed call first (an
 * engine's first run of a shape may allocate, and that is not throughput), then is timed for an
 * equal share of the budget left, at least one call. A size is skipped, with every larger one, when
 * a warm-up and a timed call at the cost per row of the size before would not fit in what is left:
 * a batch of 32 of the recognizer on 2 cores takes 2 s, and the budget is what the user allowed.
 * Time is {@code nanoTime}'s, so that tests script it.
 */
public final class BatchSizeSweep {
    private final Duration budget;
    private final LongSupplier nanoTime;

    /** What was measured, and whether the budget ended it before the largest size. */
    public record Result(ThroughputCurve curve, boolean cutShort, Duration took) {}

    public BatchSizeSweep(Duration budget, LongSupplier nanoTime) {
        if (budget.isNegative() || budget.isZero()) {
            throw new IllegalArgumentException("The budget must be positive, not " + budget);
        }
        this.budget = budget;
        this.nanoTime = nanoTime;
    }

    /**
     * @param sizes batch sizes, ascending
     * @param minRows the engine's smallest batch: a smaller batch runs padded to it, as the batcher runs it
     */
    public Result run(ExecutionContext context, ProbeBatches probes, int[] sizes, int minRows) {
        long start = nanoTime.getAsLong();
        long deadline = start + budget.toNanos();
        List<ThroughputCurve.Point> points = new ArrayList<>();
        double nanosPerRow = 0;
        boolean cutShort = false;
        for (int i = 0; i < sizes.length; i++) {
            int size = sizes[i];
            int rows = Math.max(size, minRows);
            long left = deadline - nanoTime.getAsLong();
            if (i > 0 && 2 * nanosPerRow * rows > left) {
                cutShort = true;
                break;
            }
            Map<String, Tensor> batch = probes.batch(context, rows);
            context.infer(batch);
            long slice = Math.max(0, (deadline - nanoTime.getAsLong()) / (sizes.length - i));
            long from = nanoTime.getAsLong();
            long calls = 0;
            long to;
            do {
                context.infer(batch);
                calls++;
                to = nanoTime.getAsLong();
            } while (to - from < slice);
            long elapsed = Math.max(1, to - from);
            nanosPerRow = (double) elapsed / calls / rows;
            points.add(new ThroughputCurve.Point(size, calls * size * 1e9 / elapsed));
        }
        return new Result(new ThroughputCurve(points), cutShort, Duration.ofNanos(nanoTime.getAsLong() - start));
    }
}
