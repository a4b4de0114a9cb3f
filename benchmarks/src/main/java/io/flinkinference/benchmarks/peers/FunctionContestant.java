package io.flinkinference.benchmarks.peers;

import io.flinkinference.engine.onnxruntime.OnnxRuntimeOptions;
import io.flinkinference.jobs.LocalEnvironments;
import io.flinkinference.operators.Inference;
import io.flinkinference.operators.InferenceFailure;
import io.flinkinference.operators.InferenceOptions;
import io.flinkinference.operators.InferenceRequest;
import io.flinkinference.operators.InferenceResult;
import io.flinkinference.operators.InferenceStreams;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.util.List;
import java.util.Map;

/**
 * The project's batching inference function ({@link Inference}, default options) in a local
 * MiniCluster, on the workload's tensor records, without Kafka: offered tensors -> request ->
 * function -> window. Its parallelism is the thread budget, as a TaskManager with a slot per core
 * runs it and as the DJL contestants run: the subtasks share one batcher (the default scope), and
 * the engine divides the cores among the batches in flight by itself (1 intra-op thread each
 * here). At parallelism 1 the task thread that feeds the batcher shares the cores with the engine
 * and caps the function: on 16 cores it reached 27% of the raw engine that way.
 * With a latency target ({@code function-latency-20ms}) it shows what that option buys against
 * the work-conserving default: fewer engine calls below capacity, for latency up to the target.
 */
public final class FunctionContestant implements Contestant {
    public static final String NAME = "function";
    public static final java.time.Duration LATENCY_TARGET = java.time.Duration.ofMillis(20);
    public static final String WITH_LATENCY_TARGET = NAME + "-latency-" + LATENCY_TARGET.toMillis() + "ms";
    private static final String OFFERED_NANOS = "peers.offered-nanos";

    /** Null: the defaults. */
    private final java.time.Duration latencyTarget;

    public FunctionContestant() {
        this(null);
    }

    FunctionContestant(java.time.Duration latencyTarget) {
        this.latencyTarget = latencyTarget;
    }

    /** The function with {@link #LATENCY_TARGET} as its {@code inference.batch.latency-target}. */
    public static FunctionContestant withLatencyTarget() {
        return new FunctionContestant(LATENCY_TARGET);
    }

    @Override
    public String name() {
        return latencyTarget == null ? NAME : WITH_LATENCY_TARGET;
    }

    @Override
    public boolean usesKafka() {
        return false;
    }

    @Override
    public void run(Workload workload, double offeredPerSecond, MeasuringWindow window) throws Exception {
        int parallelism = workload.threads();
        StreamExecutionEnvironment env = LocalEnvironments.create(parallelism);
        // The source hands each record to the chained function as it is, as a job after throughput would.
        env.getConfig().enableObjectReuse();
        Inference.Builder<InferenceRequest, InferenceResult> builder = Inference.builder()
                .modelStore(workload.model().storeRoot())
                .model(workload.model().ref().toString());
        if (latencyTarget != null) {
            builder.latencyTarget(latencyTarget);
        }
        int cores = Runtime.getRuntime().availableProcessors();
        if (workload.threads() != cores) {
            // The engine divides the machine's cores; a smaller budget is divided the same way, by hand.
            int inflight = InferenceOptions.MAX_INFLIGHT_BATCHES.defaultValue();
            builder.engineOption(OnnxRuntimeOptions.INTRA_OP_THREADS, Math.max(1, workload.threads() / (parallelism * inflight)));
        }
        Inference<InferenceRequest, InferenceResult> function = builder.build();
        long[] shape = workload.tensorShape();
        StreamingRun.serve(env, "peers: function", workload, offeredPerSecond, window, records -> {
            InferenceStreams<InferenceResult> streams = function.apply(records.map(new ToRequest(shape)).name("tensor requests"));
            DataStream<Answer> answered = streams.results().map(new Answered()).name("answered");
            return List.of(answered, streams.failures().map(new Failed()).name("failed"));
        });
    }

    /** A tensor record as the function's request, carrying its offered time through in the metadata. */
    private static final class ToRequest implements MapFunction<TensorRecord, InferenceRequest> {
        private static final long serialVersionUID = 1L;
        private final long[] shape;

        ToRequest(long[] shape) {
            this.shape = shape.clone();
        }

        @Override
        public InferenceRequest map(TensorRecord record) {
            return InferenceRequest.tensor("r" + record.index(), record.tensor(), shape, 0L)
                    .withMetadata(Map.of(OFFERED_NANOS, Long.toString(record.offeredNanos())));
        }
    }

    private static final class Answered implements MapFunction<InferenceResult, Answer> {
        private static final long serialVersionUID = 1L;

        @Override
        public Answer map(InferenceResult result) {
            return new Answer(Long.parseLong(result.metadata().get(OFFERED_NANOS)), false);
        }
    }

    private static final class Failed implements MapFunction<InferenceFailure, Answer> {
        private static final long serialVersionUID = 1L;

        @Override
        public Answer map(InferenceFailure failure) {
            String offered = failure.metadata().get(OFFERED_NANOS);
            return new Answer(offered == null ? System.nanoTime() : Long.parseLong(offered), true);
        }
    }
}
