package io.flinkinference.engine.tensorrt;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

import java.util.Set;

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

    public static final ConfigOption<Boolean> GPU_IMAGE_DECODING =
            ConfigOptions.key("tensorrt.gpu-image-decoding")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "For models with image preprocessing and one float input: send images to the GPU as "
                                    + "their encoded bytes, decode them there with nvJPEG (hardware JPEG engines "
                                    + "where the GPU has them; other formats on the CPU) and resize and normalize "
                                    + "them with a CUDA kernel, instead of decoding and preprocessing on the task "
                                    + "threads and copying floats, four times the bytes of the decoded image.");

    public static final ConfigOption<Integer> CANDIDATE_DEVICE =
            ConfigOptions.key("tensorrt.candidate-device")
                    .intType()
                    .defaultValue(0)
                    .withDescription(
                            "The GPU a plan that is not yet published runs on while the setup job validates it "
                                    + "(setup tensorrt --device). Jobs choose their GPU per task slot instead.");

    /** Every option above: what the engine declares, and so all that the inference builder accepts for it. */
    public static Set<ConfigOption<?>> all() {
        return Set.of(CUDA_GRAPHS, GPU_IMAGE_DECODING, CANDIDATE_DEVICE);
    }
}
