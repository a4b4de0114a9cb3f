package io.flinkinference.operators;

import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.ModelStoreException;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.manifest.Preprocessing;
import io.flinkinference.operators.batching.BatchClock;
import io.flinkinference.operators.batching.BatchFitting;
import io.flinkinference.operators.batching.BatchLimitFitter;
import io.flinkinference.operators.batching.BatchInput;
import io.flinkinference.operators.batching.BatchingConfig;
import io.flinkinference.operators.batching.DynamicBatcher;
import io.flinkinference.operators.batching.SharedBatchers;
import io.flinkinference.operators.engine.ConcurrentBatches;
import io.flinkinference.operators.engine.DeviceAssignment;
import io.flinkinference.operators.engine.EngineException;
import io.flinkinference.operators.engine.EngineKey;
import io.flinkinference.operators.engine.EngineProvider;
import io.flinkinference.operators.engine.Engines;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.operators.engine.SharedEngines;
import io.flinkinference.operators.engine.SharedRegistry;
import io.flinkinference.operators.metrics.InferenceMetrics;
import io.flinkinference.operators.translate.BadInputException;
import io.flinkinference.operators.translate.InferenceTranslator;
import org.apache.flink.types.Either;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * One task slot's hold on a model: the pinned version resolved, a device claimed, the JVM's shared
 * engine leased ({@link EngineKey}), the translator opened and a seat at a {@link DynamicBatcher}
 * (the slot's own, or with {@link InferenceOptions.BatcherScope#TASK_MANAGER} the one its
 * TaskManager's slots share), warmed up. Every Flink function that serves a model holds one: the
 * DataStream {@link InferenceFunction} and the SQL module's predict functions, so both batch
 * alike, and across each other when they serve the same engine key with the same settings.
 *
 * <p>{@link #infer} preprocesses on the caller's thread and completes on the batcher's, after the
 * record's batch ran: with the result, with a failure record for a bad record, or exceptionally
 * (an {@link EngineException}) when the batch failed, which should fail the task.
 */
public final class InferenceSlot<IN, OUT> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InferenceSlot.class);

    private final ModelSpec spec;
    private final InferenceTranslator<IN, OUT> translator;
    private DeviceAssignment.Claim deviceClaim;
    private SharedRegistry.Lease<EngineKey, InferenceEngine> lease;
    /** This slot's batcher ({@code SUBTASK} scope) or its lease on the TaskManager's. */
    private AutoCloseable batcherHolder;
    private DynamicBatcher.Member batcher;
    private InferenceMetrics metrics;

    private InferenceSlot(ModelSpec spec, InferenceTranslator<IN, OUT> translator) {
        this.spec = spec;
        this.translator = translator;
    }

    /**
     * Opens {@code spec} in a slot; blocks while the engine loads (for the first slot of the JVM)
     * and the batcher's contexts warm up.
     *
     * @param clock the batcher's clock: {@link BatchClock#SYSTEM} except in tests that move time themselves
     * @throws UnusableModelException when a model file differs from its manifest or is missing
     */
    public static <IN, OUT> InferenceSlot<IN, OUT> open(ModelSpec spec, BatchingConfig batching, BatchFitting fitting,
            InferenceOptions.BatcherScope scope, InferenceTranslator<IN, OUT> translator, SlotContext context,
            BatchClock clock) throws Exception {
        InferenceSlot<IN, OUT> slot = new InferenceSlot<>(spec, translator);
        try {
            slot.open(batching, fitting, scope, context, clock);
        } catch (Exception | Error e) {
            try {
                slot.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return slot;
    }

    private void open(BatchingConfig batching, BatchFitting fitting, InferenceOptions.BatcherScope scope, SlotContext context,
            BatchClock clock) throws Exception {
        // The default store (null) is this TaskManager's: resolved here, not where the job was built.
        URI store = spec.storeHere();
        ModelVersion version = ModelStore.open(store).resolve(spec.model());
        EngineProvider provider = Engines.provider(spec.engine());
        if (!provider.supports(version.manifest().format())) {
            throw new EngineException("The " + spec.engine() + " engine cannot run " + version.ref() + ", which is "
                    + version.manifest().format() + "; choose an engine for that format or another model version.");
        }
        deviceClaim = DeviceAssignment.claim(context.metricGroup(),
                context.externalResources().apply(DeviceAssignment.GPU_RESOURCE), provider);
        int device = deviceClaim.device();
        EngineKey key = new EngineKey(spec.engine(), version.storeRoot(), version.manifest().name(),
                version.manifest().version(), spec.engineOptions(), device);
        ConcurrentBatches concurrency = ConcurrentBatches.here(context.taskInfo().getNumberOfParallelSubtasks(),
                batching.maxInflightBatches());
        try {
            // Computed only when this JVM opens the engine, by the first of its slots to get here.
            lease = SharedEngines.instance().acquire(key, () -> provider.open(version, spec.engineConfiguration(), device,
                    concurrency));
        } catch (ModelStoreException.ChecksumMismatchException | ModelStoreException.MissingArtifactException e) {
            throw new UnusableModelException(version.ref() + " cannot be served: " + e.getMessage()
                    + " Restarting would not help; the job stops. Publish the model again, or serve another version.", e);
        }
        translator.open(version, lease.value());
        // Model and version as metric variables: reporters with labels (Prometheus) export them as labels.
        metrics = new InferenceMetrics(context.metricGroup().addGroup("inference")
                .addGroup("model", version.manifest().name())
                .addGroup("model_version", Integer.toString(version.manifest().version())));
        DynamicBatcher opened = openBatcher(key, batching, fitting, version.manifest().preprocessing(), scope, clock);
        metrics.maxBatchSize(opened.maxBatchSize());
        batcher = opened.join(metrics);
        BatchingConfig running = batching.withMaxBatchSize(opened.maxBatchSize());
        int subtask = context.taskInfo().getIndexOfThisSubtask();
        LOG.info("Subtask {} warmed {} up at batch sizes {} on {} context(s) in {} ms", subtask, key.describe(),
                Arrays.toString(running.warmUpBatchSizes()), batching.maxInflightBatches(), batcher.warmUp().toMillis());
        LOG.info("Subtask {} runs {} on {} ({}, batcher per {})", subtask, version, key.describe(), running,
                scope == InferenceOptions.BatcherScope.SUBTASK ? "subtask" : "TaskManager");
    }

    /**
     * Opens this slot's batcher or joins its TaskManager's. The batcher's max batch size is fitted
     * to the engine ({@link BatchLimitFitter}) as it opens, so once per batcher: the TaskManager's
     * other slots join the fitted one.
     */
    private DynamicBatcher openBatcher(EngineKey key, BatchingConfig batching, BatchFitting fitting, Preprocessing preprocessing,
            InferenceOptions.BatcherScope scope, BatchClock clock) {
        Supplier<DynamicBatcher> opener = () -> new DynamicBatcher(key.toString(), lease.value(),
                new BatchLimitFitter(fitting, System::nanoTime).fit(key.describe(), lease.value(), preprocessing, batching), clock);
        if (scope == InferenceOptions.BatcherScope.TASK_MANAGER) {
            SharedRegistry.Lease<SharedBatchers.Key, DynamicBatcher> shared = SharedBatchers.instance().acquire(
                    new SharedBatchers.Key(key, batching, fitting), opener);
            batcherHolder = shared;
            return shared.value();
        }
        DynamicBatcher own = opener.get();
        batcherHolder = own;
        return own;
    }

    /**
     * Runs one record: preprocessed here, batched with the records of other calls (and of other
     * slots sharing the batcher), postprocessed on the batcher's thread. Bad records complete with
     * {@code Either.Left} (their failure record); a failed batch completes exceptionally with an
     * {@link EngineException}.
     */
    public CompletableFuture<Either<InferenceFailure, OUT>> infer(IN input) {
        BatchInput<?> batchInput;
        long preprocessStart = System.nanoTime();
        try {
            batchInput = translator.preprocess(input);
            metrics.preprocessed(System.nanoTime() - preprocessStart);
        } catch (BadInputException e) {
            metrics.preprocessed(System.nanoTime() - preprocessStart);
            return CompletableFuture.completedFuture(failure(input, e.stage(), e));
        }
        CompletableFuture<Either<InferenceFailure, OUT>> result = new CompletableFuture<>();
        batcher.submit(batchInput).whenComplete((row, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                result.completeExceptionally(cause instanceof EngineException ? cause
                        : new EngineException("A batch of " + spec.model() + " failed on " + spec.engine() + ": " + cause.getMessage(), cause));
                return;
            }
            long postprocessStart = System.nanoTime();
            try {
                OUT output = translator.postprocess(input, row);
                metrics.postprocessed(System.nanoTime() - postprocessStart);
                result.complete(Either.Right(output));
            } catch (BadInputException e) {
                metrics.postprocessed(System.nanoTime() - postprocessStart);
                result.complete(failure(input, e.stage(), e));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** The failure record of a record that had no result within {@code timeout}, counted as such. */
    public InferenceFailure timedOut(IN input, Duration timeout) {
        return failure(input, InferenceFailure.Stage.TIMEOUT, new TimeoutException(
                "No result within " + timeout + " (inference.timeout); the engine is overloaded or stuck")).left();
    }

    private Either<InferenceFailure, OUT> failure(IN input, InferenceFailure.Stage stage, Throwable error) {
        metrics.failure(stage);
        return Either.Left(translator.failure(input, stage, error));
    }

    /** Leaves the batcher, then closes or releases it, then the engine, then the device: each holds on to the next. */
    @Override
    public void close() throws Exception {
        try (AutoCloseable device = deviceClaim; AutoCloseable engine = lease; AutoCloseable holder = batcherHolder;
                AutoCloseable member = batcher) {
            batcher = null;
            batcherHolder = null;
            lease = null;
            deviceClaim = null;
        }
    }
}
