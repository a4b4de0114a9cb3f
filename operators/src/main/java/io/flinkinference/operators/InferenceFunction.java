package io.flinkinference.operators;

import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.ModelStoreException;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.manifest.Preprocessing;
import io.flinkinference.operators.batching.BatchClock;
import io.flinkinference.operators.batching.BatchFitting;
import io.flinkinference.operators.batching.BatchInput;
import io.flinkinference.operators.batching.BatchLimitFitter;
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
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.apache.flink.types.Either;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The batching inference function: per task slot, it opens the {@link ModelSpec}'s pinned version,
 * leases the JVM's shared engine for it ({@link EngineKey}: engine, options, store, model, version,
 * device), preprocesses each record on the task thread, hands it to a {@link DynamicBatcher} (its
 * own, or with {@link InferenceOptions.BatcherScope#TASK_MANAGER} one its TaskManager's subtasks
 * share) and completes the record when its batch has run.
 *
 * <p>It stands on Flink's async I/O ({@code AsyncWaitOperator}), which keeps in-flight records in
 * checkpoints and replays them after a restore, bounds them (back-pressure), orders the output and
 * applies the timeout; this class adds batching and nothing of that. Bad records become
 * {@code Either.Left} failures (side output, the job goes on); an engine error fails the task so
 * that Flink restarts from the last checkpoint. Build it with {@link Inference#builder()}.
 */
public final class InferenceFunction<IN, OUT> extends RichAsyncFunction<IN, Either<InferenceFailure, OUT>>
        implements ResultTypeQueryable<Either<InferenceFailure, OUT>> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(InferenceFunction.class);

    private final ModelSpec spec;
    private final BatchingConfig batching;
    private final InferenceOptions.BatcherScope scope;
    private final Duration timeout;
    private final InferenceTranslator<IN, OUT> translator;
    /** Whether the batcher this function opens caps its max batch size at the engine's knee; off unless set. */
    private BatchFitting fitting = BatchFitting.OFF;

    private transient DeviceAssignment.Claim deviceClaim;
    /** Null in jobs (the system clock); set by harness tests, which run the function unserialized, to move time themselves. */
    private transient BatchClock clock;
    private transient SharedRegistry.Lease<EngineKey, InferenceEngine> lease;
    /** This subtask's batcher ({@code SUBTASK} scope) or its lease on the TaskManager's. */
    private transient AutoCloseable batcherHolder;
    private transient DynamicBatcher.Member batcher;
    private transient InferenceMetrics metrics;

    InferenceFunction(ModelSpec spec, BatchingConfig batching, InferenceOptions.BatcherScope scope, Duration timeout,
            InferenceTranslator<IN, OUT> translator) {
        this.spec = spec;
        this.batching = batching;
        this.scope = scope;
        this.timeout = timeout;
        this.translator = translator;
    }

    /** Set by {@link Inference#apply}, from {@code inference.batch.fit-to-engine} and {@code .fit-budget}. */
    InferenceFunction<IN, OUT> fitting(BatchFitting settings) {
        this.fitting = settings;
        return this;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        // The default store (null) is this TaskManager's: resolved here, not where the job was built.
        URI store = spec.storeHere();
        ModelVersion version = ModelStore.open(store).resolve(spec.model());
        EngineProvider provider = Engines.provider(spec.engine());
        if (!provider.supports(version.manifest().format())) {
            throw new EngineException("The " + spec.engine() + " engine cannot run " + version.ref() + ", which is "
                    + version.manifest().format() + "; choose an engine for that format or another model version.");
        }
        deviceClaim = DeviceAssignment.claim(getRuntimeContext(), provider);
        int device = deviceClaim.device();
        BatchingConfig running;
        EngineKey key = new EngineKey(spec.engine(), version.storeRoot(), version.manifest().name(),
                version.manifest().version(), spec.engineOptions(), device);
        try {
            // Computed only when this JVM opens the engine, by the first of its subtasks to get here.
            lease = SharedEngines.instance().acquire(key, () -> provider.open(version, spec.engineConfiguration(), device,
                    ConcurrentBatches.here(getRuntimeContext(), batching.maxInflightBatches())));
        } catch (ModelStoreException.ChecksumMismatchException | ModelStoreException.MissingArtifactException e) {
            deviceClaim.close();
            deviceClaim = null;
            throw new UnusableModelException(version.ref() + " cannot be served: " + e.getMessage()
                    + " Restarting would not help; the job stops. Publish the model again, or serve another version.", e);
        }
        try {
            translator.open(version, lease.value());
            // Model and version as metric variables: reporters with labels (Prometheus) export them as labels.
            metrics = new InferenceMetrics(getRuntimeContext().getMetricGroup().addGroup("inference")
                    .addGroup("model", version.manifest().name())
                    .addGroup("model_version", Integer.toString(version.manifest().version())));
            DynamicBatcher shared = openBatcher(key, version.manifest().preprocessing());
            metrics.maxBatchSize(shared.maxBatchSize());
            batcher = shared.join(metrics);
            running = batching.withMaxBatchSize(shared.maxBatchSize());
            LOG.info("Subtask {} warmed {} up at batch sizes {} on {} context(s) in {} ms",
                    getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(), key.describe(),
                    java.util.Arrays.toString(running.warmUpBatchSizes()), batching.maxInflightBatches(),
                    batcher.warmUp().toMillis());
        } catch (Exception | Error e) {
            try {
                close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        LOG.info("Subtask {} runs {} on {} ({}, batcher per {})", getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                version, key.describe(), running, scope == InferenceOptions.BatcherScope.SUBTASK ? "subtask" : "TaskManager");
    }

    /**
     * Opens this subtask's batcher or joins its TaskManager's. The batcher's max batch size is fitted
     * to the engine ({@link BatchLimitFitter}) as it opens, so once per batcher: the TaskManager's
     * other subtasks join the fitted one.
     */
    private DynamicBatcher openBatcher(EngineKey key, Preprocessing preprocessing) {
        BatchClock batchClock = clock == null ? BatchClock.SYSTEM : clock;
        Supplier<DynamicBatcher> opener = () -> new DynamicBatcher(key.toString(), lease.value(),
                new BatchLimitFitter(fitting, System::nanoTime).fit(key.describe(), lease.value(), preprocessing, batching), batchClock);
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

    @Override
    public void asyncInvoke(IN input, ResultFuture<Either<InferenceFailure, OUT>> result) {
        BatchInput<?> batchInput;
        long preprocessStart = System.nanoTime();
        try {
            batchInput = translator.preprocess(input);
            metrics.preprocessed(System.nanoTime() - preprocessStart);
        } catch (BadInputException e) {
            metrics.preprocessed(System.nanoTime() - preprocessStart);
            fail(input, e.stage(), e, result);
            return;
        }
        batcher.submit(batchInput).whenComplete((row, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                result.completeExceptionally(cause instanceof EngineException ? cause
                        : new EngineException("A batch of " + spec.model() + " failed on " + spec.engine() + ": " + cause.getMessage(), cause));
                return;
            }
            long postprocessStart = System.nanoTime();
            OUT output;
            try {
                output = translator.postprocess(input, row);
            } catch (BadInputException e) {
                metrics.postprocessed(System.nanoTime() - postprocessStart);
                fail(input, e.stage(), e, result);
                return;
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
                return;
            }
            metrics.postprocessed(System.nanoTime() - postprocessStart);
            result.complete(List.of(Either.Right(output)));
        });
    }

    /** For tests: the clock the batcher cuts by, instead of the system's; set before {@code open}. */
    InferenceFunction<IN, OUT> useClock(BatchClock testClock) {
        this.clock = testClock;
        return this;
    }

    @Override
    public void timeout(IN input, ResultFuture<Either<InferenceFailure, OUT>> result) {
        fail(input, InferenceFailure.Stage.TIMEOUT, new TimeoutException(
                "No result within " + timeout + " (inference.timeout); the engine is overloaded or stuck"), result);
    }

    private void fail(IN input, InferenceFailure.Stage stage, Throwable error,
            ResultFuture<Either<InferenceFailure, OUT>> result) {
        metrics.failure(stage);
        result.complete(List.of(Either.Left(translator.failure(input, stage, error))));
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

    @Override
    public TypeInformation<Either<InferenceFailure, OUT>> getProducedType() {
        return new EitherTypeInfo<>(TypeInformation.of(InferenceFailure.class), translator.resultType());
    }
}
