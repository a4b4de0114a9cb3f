package io.flinkinference.operators;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every knob of the inference function, as typed options: the same keys work from code
 * ({@link Inference.Builder#configure}), from a properties file and from the command line.
 * The batching knobs mean what Triton's dynamic batcher means by them.
 */
public final class InferenceOptions {
    private InferenceOptions() {}

    public enum OutputMode {
        /** Results leave in input order (Flink's orderedWait). */
        ORDERED,
        /** Results leave as soon as they are ready (Flink's unorderedWait); watermarks still order them. */
        UNORDERED
    }

    public static final ConfigOption<String> MODEL =
            ConfigOptions.key("inference.model")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("The model to run: NAME, NAME:latest or NAME:VERSION in the model store. "
                            + "latest is resolved once, when the job is built, so every subtask and every restart "
                            + "serves the same version; a new version is served by building the job again.");

    public static final ConfigOption<String> MODEL_STORE =
            ConfigOptions.key("inference.model-store")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Model store URI (file://, s3://, ...). Default: $FLINK_INFERENCE_STORE, "
                            + "else ~/.flink-inference/models, on each TaskManager; for NAME or NAME:latest the "
                            + "version is then pinned from the default store of the machine that builds the job.");

    public static final ConfigOption<String> ENGINE =
            ConfigOptions.key("inference.engine")
                    .stringType()
                    .defaultValue("onnxruntime")
                    .withDescription("Engine that runs the model: onnxruntime (CPU) or tensorrt (GPU).");

    public static final ConfigOption<String> UID =
            ConfigOptions.key("inference.uid")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("The inference operator's uid, by which its state is matched on restore. "
                            + "Default inference-<model name>, without the version, so that a savepoint taken "
                            + "with one model version restores into a job that serves the next.");

    public static final ConfigOption<Integer> MAX_BATCH_SIZE =
            ConfigOptions.key("inference.batch.max-size")
                    .intType()
                    .defaultValue(32)
                    .withDescription("Most records in one batch (Triton: max_batch_size). With inference.batch.fit-to-engine "
                            + "on (the default) an upper bound: the batcher may cap it lower, at the knee of the engine's "
                            + "throughput curve, but never raises it.");

    public static final ConfigOption<Duration> MAX_QUEUE_DELAY =
            ConfigOptions.key("inference.batch.max-queue-delay")
                    .durationType()
                    .defaultValue(Duration.ofMillis(5))
                    .withDescription("With inference.batch.work-conserving off: longest a record waits for others to "
                            + "join its batch, e.g. 500us or 5ms (Triton: max_queue_delay_microseconds); 0 sends whatever "
                            + "is queued at once. With it on (the default) records wait only while every context is busy, "
                            + "and this delay has no effect.");

    public static final ConfigOption<Boolean> WORK_CONSERVING =
            ConfigOptions.key("inference.batch.work-conserving")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription("true: an execution context with nothing to run takes whatever is queued at once "
                            + "(Triton with a zero queue delay), so below capacity a record never waits while the engine "
                            + "idles; under load records queue while every context is busy and batches grow by "
                            + "themselves. Preferred sizes are still cut at once when that many wait. false: a record "
                            + "waits up to max-queue-delay for others even while a context idles, for fewer, larger "
                            + "batches below capacity (less engine work per record, more latency; on 2 cores p50 "
                            + "latency at half load rose several-fold, docs/BENCHMARKS.md).");

    public static final ConfigOption<Duration> LATENCY_TARGET =
            ConfigOptions.key("inference.batch.latency-target")
                    .durationType()
                    .noDefaultValue()
                    .withDescription("Set, e.g. 20ms: replaces work-conserving cutting and the queue delay. A record "
                            + "waits for others while a context idles only as long as its batch would still finish "
                            + "within the target, by the run times of the batches before it; below capacity batches "
                            + "grow as far as the target allows, for less engine work per record than work-conserving "
                            + "at a bounded cost in latency. It cannot make a batch faster than the engine runs it: "
                            + "under overload, or with a target below one batch's run, records are cut at once and "
                            + "latency is what the engine gives. Unset (the default): inference.batch.work-conserving "
                            + "decides.");

    public static final ConfigOption<List<Integer>> PREFERRED_BATCH_SIZES =
            ConfigOptions.key("inference.batch.preferred-sizes")
                    .intType()
                    .asList()
                    .defaultValues()
                    .withDescription("Batch sizes cut at once, without waiting for the delay, when that many records "
                            + "wait: the largest that fits is used, e.g. 8;16;32 (Triton: preferred_batch_size).");

    public static final ConfigOption<Integer> MAX_INFLIGHT_BATCHES =
            ConfigOptions.key("inference.batch.max-inflight")
                    .intType()
                    .defaultValue(2)
                    .withDescription("Batches running on the engine at once per subtask; while all run, new "
                            + "records queue and the next batch grows.");

    public static final ConfigOption<Boolean> FIT_TO_ENGINE =
            ConfigOptions.key("inference.batch.fit-to-engine")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription("true: when a batcher opens (once per TaskManager with the default scope), it times the "
                            + "engine at its warm-up batch sizes (powers of two up to max-size, or the preferred sizes and "
                            + "max-size) on zeroed inputs and caps max-size at the knee of that curve: the smallest size "
                            + "within 5% of the best records/s measured. Larger batches then only add latency, or on models "
                            + "whose throughput falls with the batch (the recognizer on 2 cores: 54 records/s at batch 4, 16 "
                            + "at 32) cost throughput. The curve and the cap are logged at INFO; the cap is the metric "
                            + "maxBatchSize. false: batches of up to max-size, as configured (what `flink-inference bench "
                            + "--record` writes, with the knee it measured as max-size).");

    public static final ConfigOption<Duration> FIT_BUDGET =
            ConfigOptions.key("inference.batch.fit-budget")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(2))
                    .withDescription("With inference.batch.fit-to-engine on: the longest the measuring may take. It is "
                            + "added to the opening of each batcher, before its subtasks take records, and keeps the engine "
                            + "busy meanwhile (one caller); larger sizes that would not fit are left out. A longer budget "
                            + "measures each size longer and so more steadily.");

    public enum BatcherScope {
        /** Each subtask batches its own records. */
        SUBTASK,
        // The default: measured to form larger batches and more throughput (docs/BENCHMARKS.md).
        /**
         * The subtasks of one TaskManager that run the same model version on the same device share
         * one batcher, so their records share batches; each still brings its own contexts.
         */
        TASK_MANAGER
    }

    public static final ConfigOption<BatcherScope> BATCHER_SCOPE =
            ConfigOptions.key("inference.batch.scope")
                    .enumType(BatcherScope.class)
                    .defaultValue(BatcherScope.TASK_MANAGER)
                    .withDescription("TASK_MANAGER: the subtasks of a TaskManager serving the same model on the same "
                            + "device share one batcher, so their records fill batches together (on an H200, 1.2-1.6x larger "
                            + "batches and 1.13-1.17x the throughput of SUBTASK; docs/BENCHMARKS.md). SUBTASK: each subtask "
                            + "forms its own batches. In-flight records stay in each subtask's checkpointed state either way.");

    public static final ConfigOption<OutputMode> OUTPUT_MODE =
            ConfigOptions.key("inference.output-mode")
                    .enumType(OutputMode.class)
                    .defaultValue(OutputMode.ORDERED)
                    .withDescription("ORDERED keeps input order; UNORDERED emits results as they complete.");

    public static final ConfigOption<Integer> CAPACITY =
            ConfigOptions.key("inference.capacity")
                    .intType()
                    .defaultValue(0)
                    .withDescription("Records in flight per subtask before back-pressure (Flink async I/O capacity). "
                            + "0 means max-size x (max-inflight + 1), enough to fill every batch.");

    public static final ConfigOption<Duration> TIMEOUT =
            ConfigOptions.key("inference.timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(60))
                    .withDescription("A record without a result after this long becomes a failure record (stage TIMEOUT).");

    public static final ConfigOption<Long> MAX_IMAGE_PIXELS =
            ConfigOptions.key("inference.image.max-pixels")
                    .longType()
                    .defaultValue(50_000_000L)
                    .withDescription("Most pixels (width x height) an encoded image may claim in its header. Larger "
                            + "ones are refused before decoding, as DECODE failures: decoding allocates what the header "
                            + "claims, and a few hundred bytes can claim gigabytes. The default, 50 megapixels, takes "
                            + "photos of any common camera; CPU and GPU decoding apply the same limit.");

    /** Every option above: what the builder reads, and all that a configuration's {@code inference.*} keys may name. */
    public static List<ConfigOption<?>> all() {
        return List.of(MODEL, MODEL_STORE, ENGINE, UID, MAX_BATCH_SIZE, MAX_QUEUE_DELAY, PREFERRED_BATCH_SIZES,
                MAX_INFLIGHT_BATCHES, WORK_CONSERVING, LATENCY_TARGET, BATCHER_SCOPE, OUTPUT_MODE, CAPACITY, TIMEOUT,
                MAX_IMAGE_PIXELS, FIT_TO_ENGINE, FIT_BUDGET);
    }

    /** The keys of {@link #all()}: the builder refuses other {@code inference.*} keys, which are typos. */
    public static Set<String> keys() {
        Set<String> keys = new TreeSet<>();
        for (ConfigOption<?> option : all()) {
            keys.add(option.key());
        }
        return keys;
    }

    /** The prefix of every key above; keys without it are the engine's (or Flink's). */
    public static final String PREFIX = "inference.";
}
