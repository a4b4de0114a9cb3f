package io.flinkinference.jobs;

import io.flinkinference.jobs.kafka.DeadLetterSerializer;
import io.flinkinference.jobs.kafka.ImageRecordDeserializer;
import io.flinkinference.jobs.kafka.KafkaAdmins;
import io.flinkinference.jobs.kafka.ResultSerializer;
import io.flinkinference.jobs.kafka.RouteUnreadable;
import io.flinkinference.jobs.kafka.TopicLimits;
import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.operators.Inference;
import io.flinkinference.operators.InferenceFailure;
import io.flinkinference.operators.InferenceOptions;
import io.flinkinference.operators.engine.Engines;
import io.flinkinference.operators.InferenceRequest;
import io.flinkinference.operators.InferenceResult;
import io.flinkinference.operators.InferenceStreams;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * The streaming job: Kafka (Avro {@code ImageRecord}) -> decode and preprocess -> batching inference
 * -> postprocess -> Kafka (Avro {@code InferenceResult}); every record that fails at any step goes
 * to the dead-letter topic (Avro {@code DeadLetter}) and the job goes on.
 */
public final class StreamingInferenceJob {
    private StreamingInferenceJob() {}

    /**
     * Everything the job needs.
     *
     * @param inference the {@code inference.*} settings (model, store, engine, batching)
     * @param kafka extra Kafka client properties (SASL, SSL, ...), for source and sinks alike
     * @param bounded stop at the offsets that are latest when the job starts (backfills, tests)
     */
    public record Settings(
            String bootstrapServers,
            String inputTopic,
            String outputTopic,
            String deadLetterTopic,
            String groupId,
            Configuration inference,
            Properties kafka,
            DeliveryGuarantee deliveryGuarantee,
            Duration checkpointInterval,
            int parallelism,
            boolean bounded) {

        public String model() {
            return inference.get(InferenceOptions.MODEL);
        }
    }

    /**
     * For jobs that run on this machine (not submitted to a cluster): checks that the engine can run
     * the model here, e.g. that TensorRT, a GPU and a plan for it exist.
     */
    public static void preflightLocalEngine(Settings settings) {
        preflightLocalEngine(settings, settings.model());
    }

    /** As {@link #preflightLocalEngine(Settings)}, for {@code model} with the settings' store and engine. */
    public static void preflightLocalEngine(Settings settings, String model) {
        ModelVersion version = ModelStore.open(store(settings.inference())).resolve(ModelRef.parse(model));
        Engines.provider(settings.inference().get(InferenceOptions.ENGINE)).checkRunnableHere(version, settings.inference());
    }

    /**
     * Fails fast, before anything is submitted, when the brokers cannot be reached, a topic is
     * missing or the model is not in the store, with a message that says which and how to fix it.
     */
    public static void preflight(Settings settings) {
        String model = settings.model();
        if (model == null) {
            throw new IllegalArgumentException("No model given: pass --model NAME[:VERSION].");
        }
        requireVerifiedModel(settings.inference(), model);
        requireKafka(settings);
    }

    /**
     * Resolves {@code model} in the store of {@code inference} ({@code inference.model-store}) and hashes every file of it: a model changed after
     * publishing is refused here, not by every subtask in turn.
     */
    public static ModelVersion requireVerifiedModel(org.apache.flink.configuration.ReadableConfig inference, String model) {
        ModelVersion version = ModelStore.open(store(inference)).resolve(ModelRef.parse(model));
        version.verifyOrThrow();
        return version;
    }

    /** The brokers answer and the input, output and dead-letter topics exist. */
    public static void requireKafka(Settings settings) {
        try (Admin client = KafkaAdmins.open(settings.bootstrapServers(), settings.kafka())) {
            KafkaAdmins.requireBrokers(client, settings.bootstrapServers(), "");
            KafkaAdmins.requireTopics(client, settings.bootstrapServers(),
                    List.of(settings.inputTopic(), settings.outputTopic(), settings.deadLetterTopic()));
        }
    }

    private static URI store(org.apache.flink.configuration.ReadableConfig inference) {
        return inference.getOptional(InferenceOptions.MODEL_STORE).map(URI::create).orElseGet(ModelStore::defaultRoot);
    }

    /** Adds the job's operators to {@code env}, and a bounded restart strategy unless its configuration sets one ({@link BoundedRestarts}). */
    public static void build(StreamExecutionEnvironment env, Settings settings) {
        env.setParallelism(settings.parallelism());
        env.enableCheckpointing(settings.checkpointInterval().toMillis());
        BoundedRestarts.applyUnlessConfigured(env);

        SingleOutputStreamOperator<InferenceRequest> readable = readImages(env, settings);

        InferenceStreams<InferenceResult> out = Inference.builder().configure(settings.inference()).build().apply(readable);

        out.results().sinkTo(sink(settings, new ResultSerializer(settings.outputTopic()), "results"))
                .name("kafka " + settings.outputTopic()).uid("kafka-results");
        sinkDeadLetters(out.failures().union(readable.getSideOutput(RouteUnreadable.UNREADABLE)), settings);
    }

    /**
     * The input topic's images as requests, unreadable messages routed to the side output
     * {@link RouteUnreadable#UNREADABLE}: the source of every job that reads {@code ImageRecord}s.
     */
    public static SingleOutputStreamOperator<InferenceRequest> readImages(StreamExecutionEnvironment env, Settings settings) {
        KafkaSourceBuilder<InferenceRequest> source = KafkaSource.<InferenceRequest>builder()
                .setBootstrapServers(settings.bootstrapServers())
                .setTopics(settings.inputTopic())
                .setGroupId(settings.groupId())
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new ImageRecordDeserializer())
                .setProperties(settings.kafka());
        if (settings.bounded()) {
            source.setBounded(OffsetsInitializer.latest());
        }
        if (settings.deliveryGuarantee() == DeliveryGuarantee.EXACTLY_ONCE) {
            // Results of uncommitted transactions must stay invisible to this job's own reader too.
            source.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        }
        return env
                .fromSource(source.build(), WatermarkStrategy.noWatermarks(), "kafka " + settings.inputTopic())
                .uid("kafka-source")
                .process(new RouteUnreadable())
                .name("route unreadable messages")
                .uid("route-unreadable");
    }

    /** Writes {@code failures} to the dead-letter topic (Avro {@code DeadLetter}), sized for the input topic's largest message. */
    public static void sinkDeadLetters(DataStream<InferenceFailure> failures, Settings settings) {
        // A dead letter carries the failed record's bytes plus its metadata: sized for the largest input message, so
        // that a record near the input topic's limit still fits, and cut to what the dead-letter topic takes.
        int inputLimit = TopicLimits.describe(settings.bootstrapServers(), settings.kafka(), settings.inputTopic()).maxMessageBytes();
        int deadLetterTopicLimit = TopicLimits.describe(settings.bootstrapServers(), settings.kafka(), settings.deadLetterTopic())
                .maxMessageBytes();
        int requestSize = Math.max(configuredRequestSize(settings.kafka()), (int) Math.min(Integer.MAX_VALUE,
                (long) inputLimit + DEAD_LETTER_HEADROOM_BYTES));
        Properties deadLetterProducer = new Properties();
        deadLetterProducer.setProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(requestSize));
        failures.sinkTo(sink(settings, new DeadLetterSerializer(settings.deadLetterTopic(), Math.min(requestSize, deadLetterTopicLimit)),
                        "dead-letters", deadLetterProducer))
                .name("kafka " + settings.deadLetterTopic()).uid("kafka-dead-letters");
    }

    /**
     * Room for what a dead letter adds to the record it carries: its fields (about 1.3 KB with a
     * typical error message, at most {@link DeadLetterSerializer#MAX_ERROR_MESSAGE_CHARS} characters
     * of it), the schema header and the record batch's framing.
     */
    static final int DEAD_LETTER_HEADROOM_BYTES = 64 << 10;

    private static int configuredRequestSize(Properties kafka) {
        Object value = kafka.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        return value == null ? 1 << 20 : Integer.parseInt(value.toString().trim()); // Kafka's default: 1 MB
    }

    /**
     * A Kafka sink of the job's delivery guarantee, with transactional ids {@code <group>-<name>}:
     * {@code name} must be stable across restarts and unique among the job's sinks.
     */
    public static <T> KafkaSink<T> sink(Settings settings,
            org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema<T> serializer, String name) {
        return sink(settings, serializer, name, new Properties());
    }

    private static <T> KafkaSink<T> sink(Settings settings,
            org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema<T> serializer, String name, Properties overrides) {
        Properties producer = new Properties();
        producer.putAll(settings.kafka());
        producer.putAll(overrides);
        if (settings.deliveryGuarantee() == DeliveryGuarantee.EXACTLY_ONCE) {
            // Below the broker's default transaction.max.timeout.ms (15 min), above any checkpoint interval we allow.
            producer.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "600000");
        }
        return KafkaSink.<T>builder()
                .setBootstrapServers(settings.bootstrapServers())
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(settings.deliveryGuarantee())
                .setTransactionalIdPrefix(settings.groupId() + "-" + name)
                .setKafkaProducerConfig(producer)
                .build();
    }
}
