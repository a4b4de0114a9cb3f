package io.flinkinference.operators;

import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.operators.InferenceOptions.OutputMode;
import io.flinkinference.operators.batching.BatchFitting;
import io.flinkinference.operators.batching.BatchClock;
import io.flinkinference.operators.batching.BatchingConfig;
import io.flinkinference.operators.engine.EngineProvider;
import io.flinkinference.operators.engine.Engines;
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
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

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
 * the built object is immutable and serializable. It is the settings (one {@link Configuration} of
 * {@link InferenceOptions}), the translator and the {@link ModelSpec} with its version pinned.
 */
public final class Inference<IN, OUT> implements Serializable {
    private static final long serialVersionUID = 2L;

    /** The side output that {@link #apply} routes failures to. */
    public static final OutputTag<InferenceFailure> FAILURES =
            new OutputTag<>("inference-failures", TypeInformation.of(InferenceFailure.class));

    private final InferenceTranslator<IN, OUT> translator;
    private final ModelSpec spec;
    private final Configuration settings;

    private Inference(InferenceTranslator<IN, OUT> translator, ModelSpec spec, Configuration settings) {
        this.translator = translator;
        this.spec = spec;
        this.settings = settings;
    }

    /** A builder for {@link InferenceRequest}s and {@link InferenceResult}s, processed as the manifest says. */
    public static Builder<InferenceRequest, InferenceResult> builder() {
        return new Builder<>(settings -> new ManifestTranslator(settings.get(InferenceOptions.MAX_IMAGE_PIXELS)));
    }

    /** A builder for your own record types, with your own translator. */
    public static <IN, OUT> Builder<IN, OUT> builder(InferenceTranslator<IN, OUT> translator) {
        Objects.requireNonNull(translator, "translator");
        return new Builder<>(settings -> translator);
    }

    /** What this serves: the model with its version pinned, the store, the engine and its options. */
    public ModelSpec spec() {
        return spec;
    }

    /**
     * The {@code inference.*} settings as they run: every key that was set, plus the pinned model,
     * the uid and the capacity worked out from the batching settings when it was left at 0.
     */
    public ReadableConfig options() {
        return new Configuration(settings);
    }

    /**
     * Adds the inference operator (Flink's async operator with the batching function) and a small
     * one that splits off failures after {@code input}. Both get uids derived from
     * {@link InferenceOptions#UID}; {@link InferenceStreams#operator()} is the async operator, for
     * slot sharing groups, resources and names.
     */
    public InferenceStreams<OUT> apply(DataStream<IN> input) {
        Duration timeout = settings.get(InferenceOptions.TIMEOUT);
        int capacity = settings.get(InferenceOptions.CAPACITY);
        String uid = settings.get(InferenceOptions.UID);
        InferenceFunction<IN, OUT> function = new InferenceFunction<>(spec, batchingOf(settings),
                settings.get(InferenceOptions.BATCHER_SCOPE), timeout, translator)
                .fitting(fittingOf(settings));
        SingleOutputStreamOperator<Either<InferenceFailure, OUT>> operator =
                settings.get(InferenceOptions.OUTPUT_MODE) == OutputMode.ORDERED
                        ? AsyncDataStream.orderedWait(input, function, timeout.toMillis(), TimeUnit.MILLISECONDS, capacity)
                        : AsyncDataStream.unorderedWait(input, function, timeout.toMillis(), TimeUnit.MILLISECONDS, capacity);
        operator.name("inference " + spec.model() + " on " + spec.engine()).uid(uid);
        SingleOutputStreamOperator<OUT> results = operator
                .process(new SplitFailures<OUT>(FAILURES), translator.resultType())
                .name("split inference failures")
                .uid(uid + "-split");
        return new InferenceStreams<>(operator, results, results.getSideOutput(FAILURES));
    }

    /**
     * Opens this inference in a task slot of a function other than the DataStream one that
     * {@link #apply} adds (the SQL module's predict functions): the same engine lease, translator
     * and batcher, shared with every other slot of the JVM that serves the same engine key with the
     * same batching settings. Close it when the function closes.
     */
    public InferenceSlot<IN, OUT> openSlot(SlotContext context) throws Exception {
        return InferenceSlot.open(spec, batchingOf(settings), fittingOf(settings), settings.get(InferenceOptions.BATCHER_SCOPE),
                translator, context, BatchClock.SYSTEM);
    }

    /** Whether, and within what budget, the batcher fits its max batch size to the engine. */
    private static BatchFitting fittingOf(ReadableConfig settings) {
        return new BatchFitting(settings.get(InferenceOptions.FIT_TO_ENGINE), settings.get(InferenceOptions.FIT_BUDGET));
    }

    /** The batcher's settings that {@code inference.batch.*} options make; refuses invalid ones, saying which. */
    public static BatchingConfig batchingOf(ReadableConfig settings) {
        try {
            return new BatchingConfig(
                    settings.get(InferenceOptions.MAX_BATCH_SIZE),
                    settings.get(InferenceOptions.MAX_QUEUE_DELAY).toNanos() / 1_000,
                    settings.get(InferenceOptions.PREFERRED_BATCH_SIZES).stream().mapToInt(Integer::intValue).toArray(),
                    settings.get(InferenceOptions.MAX_INFLIGHT_BATCHES),
                    settings.get(InferenceOptions.WORK_CONSERVING),
                    settings.getOptional(InferenceOptions.LATENCY_TARGET).map(target -> target.toNanos() / 1_000).orElse(0L));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid batching settings (inference.batch.*): " + e.getMessage(), e);
        }
    }

    /**
     * Collects the settings; see {@link InferenceOptions} for what each one means and
     * {@link #configure} for how a whole configuration is split between the function and the engine.
     */
    public static final class Builder<IN, OUT> {
        /** The translator, from the settings as built (the manifest translator takes its image limit from them). */
        private final Function<ReadableConfig, InferenceTranslator<IN, OUT>> translator;
        /** Every setting, the function's ({@code inference.*}) and the engine's: the one copy. */
        private final Configuration settings = new Configuration();

        private Builder(Function<ReadableConfig, InferenceTranslator<IN, OUT>> translator) {
            this.translator = translator;
        }

        /**
         * Takes the {@code inference.*} keys and the engine keys of {@code config}. Engine keys are
         * those under the name of an engine on the class path ({@code onnxruntime.*},
         * {@code tensorrt.*}) or declared by one; other keys (Flink's own, {@code execution.*},
         * {@code state.*}, ...) are left alone, so a job may pass its whole configuration.
         * {@link #build()} then refuses unknown {@code inference.*} keys and keys under the chosen
         * engine's name that it does not declare; keys of the other engines are left to them.
         */
        public Builder<IN, OUT> configure(ReadableConfig config) {
            config.toMap().forEach((key, value) -> {
                if (key.startsWith(InferenceOptions.PREFIX) || Engines.isEngineKey(key)) {
                    settings.setString(key, value);
                }
            });
            return this;
        }

        /** The model store; without one, the default store of each TaskManager (see {@link ModelSpec}). */
        public Builder<IN, OUT> modelStore(String uri) {
            return modelStore(URI.create(uri));
        }

        public Builder<IN, OUT> modelStore(URI uri) {
            settings.set(InferenceOptions.MODEL_STORE, uri.toString());
            return this;
        }

        /** NAME, NAME:latest or NAME:VERSION; latest is pinned by {@link #build()}. */
        public Builder<IN, OUT> model(String reference) {
            settings.set(InferenceOptions.MODEL, reference);
            return this;
        }

        /** The engine by its provider's name, e.g. {@code onnxruntime} (the default) or {@code tensorrt}. */
        public Builder<IN, OUT> engine(String name) {
            settings.set(InferenceOptions.ENGINE, name);
            return this;
        }

        /** An option of the engine, from its options class (e.g. {@code OnnxRuntimeOptions}). */
        public <T> Builder<IN, OUT> engineOption(ConfigOption<T> option, T value) {
            if (option.key().startsWith(InferenceOptions.PREFIX)) {
                throw new IllegalArgumentException(option.key() + " is a setting of the inference function, not "
                        + "an engine option; set it with its own builder method or configure().");
            }
            settings.set(option, value);
            return this;
        }

        public Builder<IN, OUT> maxBatchSize(int size) {
            settings.set(InferenceOptions.MAX_BATCH_SIZE, size);
            return this;
        }

        public Builder<IN, OUT> maxQueueDelay(Duration delay) {
            settings.set(InferenceOptions.MAX_QUEUE_DELAY, delay);
            return this;
        }

        public Builder<IN, OUT> preferredBatchSizes(int... sizes) {
            settings.set(InferenceOptions.PREFERRED_BATCH_SIZES, Arrays.stream(sizes).boxed().toList());
            return this;
        }

        /** Whether an idle context takes what is queued at once; see {@link InferenceOptions#WORK_CONSERVING}. */
        public Builder<IN, OUT> workConserving(boolean on) {
            settings.set(InferenceOptions.WORK_CONSERVING, on);
            return this;
        }

        /** A bound on a record's wait plus its batch's run; see {@link InferenceOptions#LATENCY_TARGET}. */
        public Builder<IN, OUT> latencyTarget(Duration target) {
            settings.set(InferenceOptions.LATENCY_TARGET, target);
            return this;
        }

        /** Whether the batcher caps the max batch size at the engine's knee; see {@link InferenceOptions#FIT_TO_ENGINE}. */
        public Builder<IN, OUT> fitToEngine(boolean on) {
            settings.set(InferenceOptions.FIT_TO_ENGINE, on);
            return this;
        }

        /** How long fitting to the engine may take; see {@link InferenceOptions#FIT_BUDGET}. */
        public Builder<IN, OUT> fitBudget(Duration budget) {
            settings.set(InferenceOptions.FIT_BUDGET, budget);
            return this;
        }

        public Builder<IN, OUT> maxInflightBatches(int batches) {
            settings.set(InferenceOptions.MAX_INFLIGHT_BATCHES, batches);
            return this;
        }

        /** Whether each subtask batches alone or a TaskManager's subtasks share batches; see {@link InferenceOptions#BATCHER_SCOPE}. */
        public Builder<IN, OUT> batcherScope(InferenceOptions.BatcherScope scope) {
            settings.set(InferenceOptions.BATCHER_SCOPE, scope);
            return this;
        }

        public Builder<IN, OUT> outputMode(OutputMode mode) {
            settings.set(InferenceOptions.OUTPUT_MODE, mode);
            return this;
        }

        public Builder<IN, OUT> capacity(int records) {
            settings.set(InferenceOptions.CAPACITY, records);
            return this;
        }

        public Builder<IN, OUT> timeout(Duration value) {
            settings.set(InferenceOptions.TIMEOUT, value);
            return this;
        }

        /**
         * The operator's uid, by which Flink matches its state on restore. The default,
         * {@code inference-<model name>}, leaves out the version on purpose: a savepoint taken while
         * one version ran restores into the job built for the next.
         */
        public Builder<IN, OUT> uid(String value) {
            settings.set(InferenceOptions.UID, value);
            return this;
        }

        /**
         * Checks every setting and pins the model version: {@code NAME} and {@code NAME:latest}
         * become the newest version in the store now (for the default store, the default store of
         * this machine; see {@link ModelSpec#pinLatest()}).
         *
         * @throws IllegalArgumentException naming the setting that is missing or wrong: no model,
         *     an unknown engine, an unknown {@code inference.*} key, an option the engine does not
         *     declare, invalid batching, or a model that is not in the store
         */
        public Inference<IN, OUT> build() {
            String model = settings.getOptional(InferenceOptions.MODEL).filter(m -> !m.isBlank()).orElseThrow(() ->
                    new IllegalArgumentException("No model given: set " + InferenceOptions.MODEL.key() + " (NAME[:VERSION])."));
            ModelRef reference = ModelRef.parse(model); // fails early with the reference's own message
            Set<String> known = InferenceOptions.keys();
            for (String key : new TreeMap<>(settings.toMap()).keySet()) {
                if (key.startsWith(InferenceOptions.PREFIX) && !known.contains(key)) {
                    throw new IllegalArgumentException("Unknown setting '" + key + "'; the inference settings are "
                            + known + " (InferenceOptions).");
                }
            }
            String engine = settings.get(InferenceOptions.ENGINE);
            EngineProvider provider = Engines.provider(engine);
            Map<String, String> engineOptions = Engines.optionsFor(provider, settings.toMap().entrySet().stream()
                    .filter(e -> !e.getKey().startsWith(InferenceOptions.PREFIX))
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
            Engines.checkOptions(provider, engineOptions);

            Duration timeout = settings.get(InferenceOptions.TIMEOUT);
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException(InferenceOptions.TIMEOUT.key() + " must be positive, not " + timeout);
            }
            Duration fitBudget = settings.get(InferenceOptions.FIT_BUDGET);
            if (fitBudget.isNegative() || fitBudget.isZero()) {
                throw new IllegalArgumentException(InferenceOptions.FIT_BUDGET.key() + " must be positive, not " + fitBudget);
            }
            BatchingConfig batching = batchingOf(settings);
            int capacity = settings.get(InferenceOptions.CAPACITY);
            int records = capacity > 0 ? capacity : batching.maxBatchSize() * (batching.maxInflightBatches() + 1);
            if (records < batching.maxBatchSize()) {
                throw new IllegalArgumentException(InferenceOptions.CAPACITY.key() + " " + records
                        + " is below " + InferenceOptions.MAX_BATCH_SIZE.key() + " " + batching.maxBatchSize()
                        + ": batches could never fill. Raise the capacity or lower the batch size.");
            }

            URI store = settings.getOptional(InferenceOptions.MODEL_STORE).map(URI::create).orElse(null);
            ModelSpec spec = new ModelSpec(store, reference, engine, engineOptions).pinLatest();

            Configuration built = new Configuration();
            settings.toMap().forEach((key, value) -> {
                if (key.startsWith(InferenceOptions.PREFIX)) {
                    built.setString(key, value);
                }
            });
            built.set(InferenceOptions.MODEL, spec.model().toString());
            built.set(InferenceOptions.CAPACITY, records);
            built.set(InferenceOptions.UID, settings.getOptional(InferenceOptions.UID).orElse("inference-" + reference.name()));
            return new Inference<>(translator.apply(built), spec, built);
        }
    }
}
