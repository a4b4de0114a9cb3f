package io.flinkinference.benchmarks.peers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Every contestant the suite knows, by name, in the order the suite runs them in a round. The
 * suite and {@link ContestantProcess} create them through here, so a contestant is added in one
 * place. Contestants are created cheaply: they load nothing before {@link Contestant#run}.
 */
public final class Contestants {
    /** The ceiling every ratio is taken against. */
    public static final String RAW_ORT = RawOrtContestant.NAME;
    public static final String FUNCTION = FunctionContestant.NAME;
    public static final String FUNCTION_LATENCY_TARGET = FunctionContestant.WITH_LATENCY_TARGET;
    public static final String DJL_PER_RECORD = DjlContestant.PER_RECORD;
    public static final String DJL_BATCH_32 = DjlContestant.BATCH_32;
    public static final String FUNCTION_KAFKA = "function-kafka";
    public static final String KAFKA_LOOP_PER_RECORD = "kafka-loop-per-record";
    public static final String KAFKA_LOOP_BATCH_32 = "kafka-loop-batch-32";

    private static final Map<String, Supplier<Contestant>> FACTORIES = new LinkedHashMap<>();

    static {
        FACTORIES.put(RAW_ORT, RawOrtContestant::new);
        FACTORIES.put(FUNCTION, FunctionContestant::new);
        FACTORIES.put(FUNCTION_LATENCY_TARGET, FunctionContestant::withLatencyTarget);
        FACTORIES.put(DJL_PER_RECORD, () -> new DjlContestant(1));
        FACTORIES.put(DJL_BATCH_32, () -> new DjlContestant(32));
        FACTORIES.put(FUNCTION_KAFKA, KafkaJobContestant::new);
        FACTORIES.put(KAFKA_LOOP_PER_RECORD, () -> new KafkaLoopContestant(1));
        FACTORIES.put(KAFKA_LOOP_BATCH_32, () -> new KafkaLoopContestant(32));
    }

    private Contestants() {}

    /** The registered names, in running order. */
    public static List<String> names() {
        return List.copyOf(FACTORIES.keySet());
    }

    public static Contestant create(String name) {
        Supplier<Contestant> factory = FACTORIES.get(name);
        if (factory == null) {
            throw new IllegalArgumentException("No contestant '" + name + "'; known: " + String.join(", ", names()) + ".");
        }
        Contestant contestant = factory.get();
        if (!contestant.name().equals(name)) {
            throw new IllegalStateException("Contestant registered as '" + name + "' calls itself '" + contestant.name() + "'.");
        }
        return contestant;
    }
}
