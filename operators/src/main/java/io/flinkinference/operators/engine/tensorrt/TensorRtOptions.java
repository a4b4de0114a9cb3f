package io.flinkinference.operators.engine.tensorrt;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** The TensorRT engine's options; the descriptions are their documentation. */
public final class TensorRtOptions {
    private TensorRtOptions() {}

    public static final ConfigOption<Boolean> CUDA_GRAPHS =
            ConfigOptions.key("tensorrt.cuda-graphs")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Capture each batch size's enqueue as a CUDA graph (after one warm-up enqueue) and "
                                    + "replay it, which saves the per-kernel launch cost on small batches. A size "
                                    + "whose capture fails runs without a graph; the log says so once.");
}
