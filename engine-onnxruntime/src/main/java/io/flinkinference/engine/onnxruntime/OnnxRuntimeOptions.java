package io.flinkinference.engine.onnxruntime;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

import java.util.Set;

/** The ONNX Runtime engine's options; the descriptions are their documentation. */
public final class OnnxRuntimeOptions {
    private OnnxRuntimeOptions() {}

    public enum OptimizationLevel {
        NONE,
        BASIC,
        EXTENDED,
        ALL
    }

    public static final ConfigOption<Integer> INTRA_OP_THREADS =
            ConfigOptions.key("onnxruntime.intra-op-threads")
                    .intType()
                    .noDefaultValue()
                    .withDescription(
                            "Threads ONNX Runtime uses inside one operator for one batch; 0 lets ONNX Runtime "
                                    + "choose (one per physical core, for every batch). Unset, the inference "
                                    + "function divides the cores among the batches that may run at once on the "
                                    + "TaskManager's shared session: cores / (taskmanager.numberOfTaskSlots x "
                                    + "inference.batch.max-inflight), at least 1 (the parallelism stands in for "
                                    + "the slots where no Flink configuration file names them). On 2 cores, two "
                                    + "callers of one session at batch 8 ran 1594 images/s with 1 thread each "
                                    + "against 1068 on automatic pools (docs/BENCHMARKS.md, issue 18); the "
                                    + "engine's load log line says what was chosen and why.");

    public static final ConfigOption<Boolean> ALLOW_SPINNING =
            ConfigOptions.key("onnxruntime.allow-spinning")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Whether ONNX Runtime's intra-op threads spin while waiting for work (ONNX Runtime's "
                                    + "own default is true). Off by default here: between batches the spinning "
                                    + "threads take the cores that Flink's task threads need to decode and queue "
                                    + "the next records; on 2 cores this cost 30-60% of the function's throughput "
                                    + "(docs/BENCHMARKS.md). Turn it on for a TaskManager with cores to spare.");

    public static final ConfigOption<OptimizationLevel> OPTIMIZATION_LEVEL =
            ConfigOptions.key("onnxruntime.optimization-level")
                    .enumType(OptimizationLevel.class)
                    .defaultValue(OptimizationLevel.ALL)
                    .withDescription(
                            "Graph optimizations applied when the model is loaded: NONE, BASIC "
                                    + "(constant folding, redundant nodes), EXTENDED (fusions) or ALL "
                                    + "(also layout optimizations).");

    /** Every option above: what the engine declares, and so all that the inference builder accepts for it. */
    public static Set<ConfigOption<?>> all() {
        return Set.of(INTRA_OP_THREADS, ALLOW_SPINNING, OPTIMIZATION_LEVEL);
    }
}
