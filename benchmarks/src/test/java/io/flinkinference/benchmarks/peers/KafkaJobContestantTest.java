package io.flinkinference.benchmarks.peers;

import io.flinkinference.samples.EmbeddedKafka;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The streaming job on a MiniCluster, run once on the embedded broker at a paced rate. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedBroker.class)
class KafkaJobContestantTest {
    private static final double RATE = 40;
    private static final Duration WARM_UP = Duration.ofMillis(500);
    private static final Duration WINDOW = Duration.ofMillis(1500);

    private EmbeddedKafka broker;
    private TextLineWorkload lines;
    private final RecordingWindow window = new RecordingWindow(WINDOW);
    private final TextLineWorkload.Answers answers = new TextLineWorkload.Answers();

    @BeforeAll
    void runTheJob(EmbeddedKafka broker) throws Exception {
        this.broker = broker;
        lines = new TextLineWorkload(broker.bootstrapServers(), 2, WARM_UP);
        new KafkaJobContestant(answers).run(lines.workload(), RATE, window);
    }

    @Test
    void isTheFunctionBehindKafka() {
        assertThat(new KafkaJobContestant().name()).isEqualTo("function-kafka");
        assertThat(new KafkaJobContestant().usesKafka()).isTrue();
    }

    @Test
    void answersThePacedRecordsAsTheyAreWrittenNotAtCheckpoints() {
        assertThat(window.begunAndEndedOnce()).isTrue();
        assertThat(window.failures()).isZero();
        double offered = RATE * (WARM_UP.toMillis() + WINDOW.toMillis()) / 1000.0;
        assertThat(window.latencies()).isNotEmpty().hasSizeLessThanOrEqualTo((int) offered + 1)
                .allSatisfy(latency -> assertThat(latency).isPositive());
        // Answers read only at checkpoints (every 10 s) would wait seconds; read as written, the batcher's few ms.
        assertThat(window.medianMillis()).isLessThan(1_000);
    }

    @Test
    void tellsUprightFromUpsideDownLines() {
        assertThat(lines.accuracy(answers)).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void leavesNoTopicsBehind() throws Exception {
        try (var admin = broker.admin()) {
            assertThat(admin.listTopics().names().get()).noneMatch(topic -> topic.startsWith("function-kafka-"));
        }
    }
}
