package io.flinkinference.operators.batching;

import io.flinkinference.modelstore.manifest.Preprocessing;
import io.flinkinference.operators.engine.ExecutionContext;
import io.flinkinference.operators.engine.InferenceEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Caps a batcher's max batch size at the knee of its engine's throughput curve, measured when the
 * batcher opens: larger batches than the engine gains from only cost latency, and on a model whose
 * throughput falls past a point (the recognizer on 2 cores peaks at batch 4 and runs at a third
 * of that at 32) they cost throughput too, since under load the batcher cuts full batches.
 *
 * <p>One context, opened and warmed up for the purpose, is timed ({@link BatchSizeSweep}) on zeroed
 * batches of the shapes the job feeds ({@link ZeroBatches}) at the batcher's warm-up sizes, and the
 * cap is their {@link BatchKnee}. The configured max batch size stays an upper bound: nothing
 * larger is measured. When the budget ended the sweep while throughput still rose, nothing says the
 * knee is not beyond it, so the configured size stays. Fits in one JVM run one at a time, so that
 * two batchers opening together do not measure each other's load.
 */
public final class BatchLimitFitter {
    private static final Logger LOG = LoggerFactory.getLogger(BatchLimitFitter.class);
    private static final ReentrantLock ONE_AT_A_TIME = new ReentrantLock();

    private final BatchFitting fitting;
    private final BatchKnee knee;
    private final LongSupplier nanoTime;

    public BatchLimitFitter(BatchFitting fitting, LongSupplier nanoTime) {
        this(fitting, BatchKnee.DEFAULT, nanoTime);
    }

    public BatchLimitFitter(BatchFitting fitting, BatchKnee knee, LongSupplier nanoTime) {
        this.fitting = fitting;
        this.knee = knee;
        this.nanoTime = nanoTime;
    }

    /**
     * The batching settings to open {@code name}'s batcher with: {@code configured}, its max batch
     * size capped at the knee when fitting is on and could measure. Logs the curve and the choice
     * in one line at INFO.
     *
     * @param preprocessing the manifest's (sizes the inputs' dynamic dimensions), or null
     */
    public BatchingConfig fit(String name, InferenceEngine engine, Preprocessing preprocessing, BatchingConfig configured) {
        if (!fitting.enabled()) {
            return configured;
        }
        int max = configured.maxBatchSize();
        int[] sizes = Arrays.stream(configured.warmUpBatchSizes()).filter(size -> size <= engine.batchRange().max()).toArray();
        if (sizes.length < 2) {
            LOG.info("Batch limit of {}: max batch {} as configured (one size, nothing to choose from)", name, max);
            return configured;
        }
        ProbeBatches probes;
        try {
            probes = new ZeroBatches(engine.inputs(), preprocessing);
        } catch (IllegalArgumentException e) {
            LOG.info("Batch limit of {}: max batch {} as configured, not fitted: {}", name, max, e.getMessage());
            return configured;
        }
        BatchSizeSweep.Result sweep;
        ONE_AT_A_TIME.lock();
        try (ExecutionContext context = engine.newContext()) {
            context.warmUp(sizes);
            sweep = new BatchSizeSweep(fitting.budget(), nanoTime).run(context, probes, sizes, engine.batchRange().min());
        } catch (RuntimeException e) {
            // Fitting is an optimisation: a model that runs records but not zeros must still be served.
            LOG.warn("Batch limit of {}: max batch {} as configured, not fitted: the engine failed on zeroed inputs: {}",
                    name, max, e.toString());
            return configured;
        } finally {
            ONE_AT_A_TIME.unlock();
        }
        ThroughputCurve curve = sweep.curve();
        int chosen = knee.of(curve);
        String measured = "; records/s by batch size " + curve + "; measured in " + sweep.took().toMillis() + " ms of "
                + fitting.budget().toMillis() + " ms (inference.batch.fit-budget)";
        if (sweep.cutShort() && chosen == curve.largestBatchSize()) {
            LOG.info("Batch limit of {}: max batch {} as configured: the budget ran out after batch {} while throughput still rose{}",
                    name, max, chosen, measured);
            return configured;
        }
        ThroughputCurve.Point best = curve.best();
        LOG.info("Batch limit of {}: max batch {} (configured {}), the knee: {} ({}/s at batch {}){}", name, chosen, max, knee,
                Math.round(best.recordsPerSecond()), best.batchSize(), measured);
        return configured.withMaxBatchSize(chosen);
    }
}
