package io.flinkinference.sql;

import io.flinkinference.operators.InferenceOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The {@code WITH} options of {@code CREATE MODEL ... WITH ('provider' = 'onnxruntime' | 'tensorrt')}.
 * Each is the SQL spelling of one {@link InferenceOptions} setting, which {@link #SETTINGS} names:
 * the provider copies the values across and lets {@code Inference.Builder} check them, so SQL and
 * DataStream jobs share one meaning, one default and one set of error messages. Engine options
 * ({@code onnxruntime.*}, {@code tensorrt.*}) pass through under their own keys.
 */
public final class ModelOptions {
    private ModelOptions() {}

    public static final ConfigOption<String> MODEL_STORE = ConfigOptions.key("model-store")
            .stringType()
            .noDefaultValue()
            .withDescription("Model store URI (file://, s3://, ...); default: each TaskManager's default store. "
                    + "See " + InferenceOptions.MODEL_STORE.key() + ".");

    public static final ConfigOption<String> MODEL = ConfigOptions.key("model")
            .stringType()
            .noDefaultValue()
            .withDescription("The model's name in the store, e.g. ppocr-cls (NAME:VERSION also works).");

    public static final ConfigOption<String> VERSION = ConfigOptions.key("version")
            .stringType()
            .noDefaultValue()
            .withDescription("The model version, a number, or latest (the default): pinned when the query is "
                    + "planned, so every subtask and restart serves the same version.");

    public static final ConfigOption<Integer> MAX_BATCH_SIZE = ConfigOptions.key("max-batch-size")
            .intType()
            .defaultValue(InferenceOptions.MAX_BATCH_SIZE.defaultValue())
            .withDescription("See " + InferenceOptions.MAX_BATCH_SIZE.key() + ". Batches form from the rows in "
                    + "flight, so with 'async' = 'true' set ML_PREDICT's 'max-concurrent-operations' to at least "
                    + "this times (max-inflight-batches + 1).");

    public static final ConfigOption<Duration> MAX_QUEUE_DELAY = ConfigOptions.key("max-queue-delay")
            .durationType()
            .defaultValue(InferenceOptions.MAX_QUEUE_DELAY.defaultValue())
            .withDescription("See " + InferenceOptions.MAX_QUEUE_DELAY.key() + ".");

    public static final ConfigOption<List<Integer>> PREFERRED_BATCH_SIZES = ConfigOptions.key("preferred-batch-sizes")
            .intType()
            .asList()
            .defaultValues()
            .withDescription("See " + InferenceOptions.PREFERRED_BATCH_SIZES.key() + "; e.g. '8;16;32'.");

    public static final ConfigOption<Integer> MAX_INFLIGHT_BATCHES = ConfigOptions.key("max-inflight-batches")
            .intType()
            .defaultValue(InferenceOptions.MAX_INFLIGHT_BATCHES.defaultValue())
            .withDescription("See " + InferenceOptions.MAX_INFLIGHT_BATCHES.key() + ".");

    public static final ConfigOption<Boolean> WORK_CONSERVING = ConfigOptions.key("work-conserving")
            .booleanType()
            .defaultValue(InferenceOptions.WORK_CONSERVING.defaultValue())
            .withDescription("See " + InferenceOptions.WORK_CONSERVING.key() + ".");

    public static final ConfigOption<Duration> LATENCY_TARGET = ConfigOptions.key("latency-target")
            .durationType()
            .noDefaultValue()
            .withDescription("See " + InferenceOptions.LATENCY_TARGET.key() + ".");

    public static final ConfigOption<Boolean> FIT_TO_ENGINE = ConfigOptions.key("fit-to-engine")
            .booleanType()
            .defaultValue(InferenceOptions.FIT_TO_ENGINE.defaultValue())
            .withDescription("See " + InferenceOptions.FIT_TO_ENGINE.key() + ".");

    public static final ConfigOption<Duration> FIT_BUDGET = ConfigOptions.key("fit-budget")
            .durationType()
            .defaultValue(InferenceOptions.FIT_BUDGET.defaultValue())
            .withDescription("See " + InferenceOptions.FIT_BUDGET.key() + ".");

    public static final ConfigOption<InferenceOptions.BatcherScope> BATCH_SCOPE = ConfigOptions.key("batch-scope")
            .enumType(InferenceOptions.BatcherScope.class)
            .defaultValue(InferenceOptions.BATCHER_SCOPE.defaultValue())
            .withDescription("See " + InferenceOptions.BATCHER_SCOPE.key() + ".");

    public static final ConfigOption<Long> MAX_IMAGE_PIXELS = ConfigOptions.key("max-image-pixels")
            .longType()
            .defaultValue(InferenceOptions.MAX_IMAGE_PIXELS.defaultValue())
            .withDescription("See " + InferenceOptions.MAX_IMAGE_PIXELS.key() + ".");

    /** Each SQL option and the inference setting it stands for (the model and its version are joined apart). */
    static final Map<ConfigOption<?>, ConfigOption<?>> SETTINGS = Map.ofEntries(
            Map.entry(MODEL_STORE, InferenceOptions.MODEL_STORE),
            Map.entry(MAX_BATCH_SIZE, InferenceOptions.MAX_BATCH_SIZE),
            Map.entry(MAX_QUEUE_DELAY, InferenceOptions.MAX_QUEUE_DELAY),
            Map.entry(PREFERRED_BATCH_SIZES, InferenceOptions.PREFERRED_BATCH_SIZES),
            Map.entry(MAX_INFLIGHT_BATCHES, InferenceOptions.MAX_INFLIGHT_BATCHES),
            Map.entry(WORK_CONSERVING, InferenceOptions.WORK_CONSERVING),
            Map.entry(LATENCY_TARGET, InferenceOptions.LATENCY_TARGET),
            Map.entry(FIT_TO_ENGINE, InferenceOptions.FIT_TO_ENGINE),
            Map.entry(FIT_BUDGET, InferenceOptions.FIT_BUDGET),
            Map.entry(BATCH_SCOPE, InferenceOptions.BATCHER_SCOPE),
            Map.entry(MAX_IMAGE_PIXELS, InferenceOptions.MAX_IMAGE_PIXELS));
}
