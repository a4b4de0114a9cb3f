package io.flinkinference.benchmarks.peers;

import io.flinkinference.samples.EmbeddedKafka;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Both hand-written loops, each run once on the embedded broker with two threads: per record at
 * a paced rate, batch 32 from a backlog; the tests look at what the runs recorded and answered.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedBroker.class)
class KafkaLoopContestantTest {
    private static final int THREADS = 2;
    /** Records per second, a small share of what the per-record loop answers even on two busy cores. */
    private static final double RATE = 30;
    private static final Duration WARM_UP = Duration.ofMillis(500);
    private static final Duration WINDOW = Duration.ofMillis(1500);

    private EmbeddedKafka broker;
    private TextLineWorkload lines;
    private final RecordingWindow perRecordWindow = new RecordingWindow(WINDOW);
    private final RecordingWindow batchWindow = new RecordingWindow(WINDOW);
    private final TextLineWorkload.Answers perRecordAnswers = new TextLineWorkload.Answers();
    private final TextLineWorkload.Answers batchAnswers = new TextLineWorkload.Answers();

    @BeforeAll
    void runBothLoops(EmbeddedKafka broker) throws Exception {
        this.broker = broker;
        lines = new TextLineWorkload(broker.bootstrapServers(), THREADS, WARM_UP);
        new KafkaLoopContestant(1, perRecordAnswers).run(lines.workload(), RATE, perRecordWindow);
        new KafkaLoopContestant(32, batchAnswers).run(lines.workload(), 0, batchWindow);
    }

    @Test
    void namesSayHowTheLoopBatches() {
        assertThat(new KafkaLoopContestant(1).name()).isEqualTo("kafka-loop-per-record");
        assertThat(new KafkaLoopContestant(32).name()).isEqualTo("kafka-loop-batch-32");
        assertThat(new KafkaLoopContestant(32).usesKafka()).isTrue();
    }

    @Test
    void perRecordLoopAnswersThePacedRecordsSoonAfterTheyAreDue() {
        assertThat(perRecordWindow.begunAndEndedOnce()).isTrue();
        assertThat(perRecordWindow.failures()).isZero();
        // No more answers than records offered through warm-up and window: the offers were paced, not a backlog.
        double offered = RATE * (WARM_UP.toMillis() + WINDOW.toMillis()) / 1000.0;
        assertThat(perRecordWindow.latencies()).isNotEmpty().hasSizeLessThanOrEqualTo((int) offered + 1)
                .allSatisfy(latency -> assertThat(latency).isPositive());
        // Far below capacity, answers are not queued for long.
        assertThat(perRecordWindow.medianMillis()).isLessThan(1_000);
    }

    @Test
    void batchLoopAnswersFromABacklogTimedFromTheWindowsStart() {
        assertThat(batchWindow.begunAndEndedOnce()).isTrue();
        assertThat(batchWindow.failures()).isZero();
        // Backlog records carry no offer time: each answer counts from the window's start, so none can be later than its end.
        assertThat(batchWindow.latencies()).isNotEmpty()
                .allSatisfy(latency -> assertThat(latency).isPositive().isLessThan(WINDOW.toNanos() + Duration.ofSeconds(1).toNanos()));
    }

    @Test
    void bothLoopsTellUprightFromUpsideDownLines() {
        assertThat(lines.accuracy(perRecordAnswers)).isGreaterThanOrEqualTo(0.95);
        assertThat(lines.accuracy(batchAnswers)).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void perRecordAndBatchLoopsGiveTheSameLabelsForTheSameRecords() {
        Map<String, String> perRecord = perRecordAnswers.labels();
        Map<String, String> batched = batchAnswers.labels();
        Set<String> both = new TreeSet<>(perRecord.keySet());
        both.retainAll(batched.keySet());
        assertThat(both).hasSizeGreaterThanOrEqualTo(32);
        for (String id : both) {
            assertThat(batched.get(id)).as("record %s", id).isEqualTo(perRecord.get(id));
        }
    }

    @Test
    void leavesNoTopicsBehind() throws Exception {
        try (var admin = broker.admin()) {
            assertThat(admin.listTopics().names().get()).noneMatch(topic -> topic.startsWith("kafka-loop-"));
        }
    }
}
