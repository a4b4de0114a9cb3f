package io.flinkinference.operators;

import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.operators.InferenceOptions.OutputMode;
import io.flinkinference.operators.batching.BatchingConfig;
import io.flinkinference.operators.translate.InferenceTranslator;
import io.flinkinference.operators.translate.ManifestTranslator;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.types.Either;
import org.apache.flink.util.OutputTag;

import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Batched model inference on a {@link DataStream}, in a few lines:
 *
 * <pre>{@code
 * InferenceStreams<InferenceResult> out = Inference.builder()
 *         .model("ppocr-cls")
 *         .maxBatchSize(32)
 *         .maxQueueDelay(Duration.ofMillis(5))
 *         .build()
 *         .apply(requests);
 * out.results().sinkTo(...);
 * out.failures().sinkTo(...);   // dead letters: bad records, with stage and reason
 * }</pre>
 *
 * <p>Settings are checked once, in {@link Builder#build()}, with messages that name the setting;
 * the built object is immutable and serializable.
 */
public final class Inference<IN, OUT> implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The side output that {@link #apply} routes failures to. */
    public static final OutputTag<InferenceFailure> FAILURES =
            new OutputTag<>("inference-failures", TypeInformation.of(InferenceFailure.class));

    private final InferenceTranslator<IN, OUT> translator;
    private final URI modelStore;
    private final String model;
    private final String engine;
    private final Configuration engineOptions;
    private final BatchingConfig batching;
    private final OutputMode outputMode;
    private final int capacity;
    private final Duration timeout;
    private final String uid;

    private Inference(Builder<IN, OUT> settings, BatchingConfig batching, int capacity) {
        this.translator = settings.translator;
        this.modelStore = settings.modelStore;
        this.model = settings.model;
        this.engine = settings.engine;
        this.engineOptions = new Configuration(settings.engineOptions);
        this.batching = batching;
        this.outputMode = settings.outputMode;
        this.capacity = capacity;
        this.timeout = settings.timeout;
        this.uid = settings.uid != null ? settings.uid : "inference-" + settings.model;
    }

    /** A builder for {@link InferenceRequest}s and {@link InferenceResult}s, processed as the manifest says. */
    public static Builder<InferenceRequest, InferenceResult> builder() {
        return new Builder<>(new ManifestTranslator());
    }

    /** A builder for your own record types, with your own translator. */
    public static <IN, OUT> Builder<IN, OUT> builder(InferenceTranslator<IN, OUT> translator) {
        return new Builder<>(translator);
    }

    /** The async function itself, for use with {@code AsyncDataStream} or Flink's test harnesses. */
    public InferenceFunction<IN, OUT> function() {
        return new InferenceFunction<>(modelStore, ModelRef.parse(model), engine, engineOptions, batching, timeout,
                translator);
    }

    public BatchingConfig batching() {
        return batching;
    }

    /** Async I/O capacity: records in flight per subtask before back-pressure. */
    public int capacity() {
        return capacity;
    }

    public long timeoutMillis() {
        return timeout.toMillis();
    }

    public boolean ordered() {
        return outputMode == OutputMode.ORDERED;
    }

    /** Adds the inference operator (and a small one that splits off failures) after {@code input}. */
    public InferenceStreams<OUT> apply(DataStream<IN> input) {
        InferenceFunction<IN, OUT> function = function();
        SingleOutputStreamOperator<Either<InferenceFailure, OUT>> outcomes = ordered()
                ? AsyncDataStream.orderedWait(input, function, timeoutMillis(), TimeUnit.MILLISECONDS, capacity)
                : AsyncDataStream.unorderedWait(input, function, timeoutMillis(), TimeUnit.MILLISECONDS, capacity);
        outcomes.name("inference " + model + " on " + engine).uid(uid);
        SingleOutputStreamOperator<OUT> results = outcomes
                .process(new SplitFailures<OUT>(FAILURES), translator.resultType())
                .name("split inference failures")
                .uid(uid + "-split");
        return new InferenceStreams<>(results, results.getSideOutput(FAILURES));
    }

    /** Collects the settings; see {@link InferenceOptions} for what each one means. */
    public static final class Builder<IN, OUT> {
        private final InferenceTranslator<IN, OUT> translator;
        private URI modelStore;
        private String model;
        private String engine = InferenceOptions.ENGINE.defaultValue();
        private final Configuration engineOptions = new Configuration();
        private int maxBatchSize = InferenceOptions.MAX_BATCH_SIZE.defaultValue();
        private Duration maxQueueDelay = InferenceOptions.MAX_QUEUE_DELAY.defaultValue();
        private int[] preferredBatchSizes = new int[0];
        private int maxInflightBatches = InferenceOptions.MAX_INFLIGHT_BATCHES.defaultValue();
        private OutputMode outputMode = InferenceOptions.OUTPUT_MODE.defaultValue();
        private int capacity = InferenceOptions.CAPACITY.defaultValue();
        private Duration timeout = InferenceOptions.TIMEOUT.defaultValue();
        private String uid;

        private Builder(InferenceTranslator<IN, OUT> translator) {
            this.translator = translator;
        }

        /** Reads every {@link InferenceOptions} key present, and passes the rest to the engine. */
        public Builder<IN, OUT> configure(ReadableConfig config) {
            config.getOptional(InferenceOptions.MODEL).ifPresent(this::model);
            config.getOptional(InferenceOptions.MODEL_STORE).ifPresent(this::modelStore);
            config.getOptional(InferenceOptions.ENGINE).ifPresent(this::engine);
            config.getOptional(InferenceOptions.MAX_BATCH_SIZE).ifPresent(this::maxBatchSize);
            config.getOptional(InferenceOptions.MAX_QUEUE_DELAY).ifPresent(this::maxQueueDelay);
            config.getOptional(InferenceOptions.PREFERRED_BATCH_SIZES)
                    .ifPresent(sizes -> preferredBatchSizes(sizes.stream().mapToInt(Integer::intValue).toArray()));
            config.getOptional(InferenceOptions.MAX_INFLIGHT_BATCHES).ifPresent(this::maxInflightBatches);
            config.getOptional(InferenceOptions.OUTPUT_MODE).ifPresent(this::outputMode);
            config.getOptional(InferenceOptions.CAPACITY).ifPresent(this::capacity);
            config.getOptional(InferenceOptions.TIMEOUT).ifPresent(this::timeout);
            if (config instanceof Configuration all) {
                all.toMap().forEach((key, value) -> {
                    if (!key.startsWith("inference.")) {
                        engineOptions.setString(key, value);
                    }
                });
            }
            return this;
        }

        public Builder<IN, OUT> modelStore(String uri) {
            return modelStore(URI.create(uri));
        }

        public Builder<IN, OUT> modelStore(URI uri) {
            this.modelStore = uri;
            return this;
        }

        /** NAME, NAME:latest or NAME:VERSION. */
        public Builder<IN, OUT> model(String reference) {
            this.model = reference;
            return this;
        }

        public Builder<IN, OUT> engine(String name) {
            this.engine = name;
            return this;
        }

        public <T> Builder<IN, OUT> engineOption(ConfigOption<T> option, T value) {
            engineOptions.set(option, value);
            return this;
        }

        public Builder<IN, OUT> maxBatchSize(int size) {
            this.maxBatchSize = size;
            return this;
        }

        public Builder<IN, OUT> maxQueueDelay(Duration delay) {
            this.maxQueueDelay = delay;
            return this;
        }

        public Builder<IN, OUT> preferredBatchSizes(int... sizes) {
            this.preferredBatchSizes = sizes.clone();
            return this;
        }

        public Builder<IN, OUT> maxInflightBatches(int batches) {
            this.maxInflightBatches = batches;
            return this;
        }

        public Builder<IN, OUT> outputMode(OutputMode mode) {
            this.outputMode = mode;
            return this;
        }

        public Builder<IN, OUT> capacity(int records) {
            this.capacity = records;
            return this;
        }

        public Builder<IN, OUT> timeout(Duration value) {
            this.timeout = value;
            return this;
        }

        /** The operator's uid (state is matched by it on restore); default {@code inference-<model>}. */
        public Builder<IN, OUT> uid(String value) {
            this.uid = value;
            return this;
        }

        public Inference<IN, OUT> build() {
            if (model == null || model.isBlank()) {
                throw new IllegalArgumentException("No model given: set " + InferenceOptions.MODEL.key() + " (NAME[:VERSION]).");
            }
            ModelRef.parse(model); // fails early with the reference's own message
            if (modelStore == null) {
                modelStore = ModelStore.defaultRoot();
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException(InferenceOptions.TIMEOUT.key() + " must be positive, not " + timeout);
            }
            BatchingConfig batching;
            try {
                batching = new BatchingConfig(maxBatchSize, maxQueueDelay.toNanos() / 1_000, preferredBatchSizes, maxInflightBatches);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Invalid batching settings (inference.batch.*): " + e.getMessage(), e);
            }
            int records = capacity > 0 ? capacity : maxBatchSize * (maxInflightBatches + 1);
            if (records < maxBatchSize) {
                throw new IllegalArgumentException(InferenceOptions.CAPACITY.key() + " " + records
                        + " is below " + InferenceOptions.MAX_BATCH_SIZE.key() + " " + maxBatchSize
                        + ": batches could never fill. Raise the capacity or lower the batch size.");
            }
            return new Inference<>(this, batching, records);
        }
    }
}
