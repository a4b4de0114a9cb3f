package io.flinkinference.operators;

import io.flinkinference.operators.batching.BatchClock;
import io.flinkinference.operators.batching.BatchFitting;
import io.flinkinference.operators.batching.BatchingConfig;
import io.flinkinference.operators.batching.DynamicBatcher;
import io.flinkinference.operators.engine.EngineKey;
import io.flinkinference.operators.translate.InferenceTranslator;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.apache.flink.types.Either;

import java.time.Duration;
import java.util.List;

/**
 * The batching inference function: per task slot, it opens the {@link ModelSpec}'s pinned version,
 * leases the JVM's shared engine for it ({@link EngineKey}: engine, options, store, model, version,
 * device), preprocesses each record on the task thread, hands it to a {@link DynamicBatcher} (its
 * own, or with {@link InferenceOptions.BatcherScope#TASK_MANAGER} one its TaskManager's subtasks
 * share) and completes the record when its batch has run: all of that is its {@link InferenceSlot}.
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

    private final ModelSpec spec;
    private final BatchingConfig batching;
    private final InferenceOptions.BatcherScope scope;
    private final Duration timeout;
    private final InferenceTranslator<IN, OUT> translator;
    /** Whether the batcher this function opens caps its max batch size at the engine's knee; off unless set. */
    private BatchFitting fitting = BatchFitting.OFF;

    /** Null in jobs (the system clock); set by harness tests, which run the function unserialized, to move time themselves. */
    private transient BatchClock clock;
    private transient InferenceSlot<IN, OUT> slot;

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
        slot = InferenceSlot.open(spec, batching, fitting, scope, translator, SlotContext.of(getRuntimeContext()),
                clock == null ? BatchClock.SYSTEM : clock);
    }

    @Override
    public void asyncInvoke(IN input, ResultFuture<Either<InferenceFailure, OUT>> result) {
        slot.infer(input).whenComplete((output, error) -> {
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(List.of(output));
            }
        });
    }

    /** For tests: the clock the batcher cuts by, instead of the system's; set before {@code open}. */
    InferenceFunction<IN, OUT> useClock(BatchClock testClock) {
        this.clock = testClock;
        return this;
    }

    @Override
    public void timeout(IN input, ResultFuture<Either<InferenceFailure, OUT>> result) {
        result.complete(List.of(Either.Left(slot.timedOut(input, timeout))));
    }

    /** Leaves the batcher and gives back the engine and the device (see {@link InferenceSlot#close}). */
    @Override
    public void close() throws Exception {
        if (slot != null) {
            slot.close();
            slot = null;
        }
    }

    @Override
    public TypeInformation<Either<InferenceFailure, OUT>> getProducedType() {
        return new EitherTypeInfo<>(TypeInformation.of(InferenceFailure.class), translator.resultType());
    }
}
