package io.flinkinference.operators;

import io.flinkinference.testing.TestClusters;
import io.flinkinference.testing.CollectingSink;
import io.flinkinference.testing.TestModels;
import io.flinkinference.testing.TestRequests;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real job on a Flink MiniCluster with the real orientation classifier: a task fails once, after
 * a checkpoint, while records are in flight; after recovery every input id has a result.
 */
class InferenceJobRecoveryTest {
    private static final int RECORDS = 400;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = TestClusters.oneTaskManager(2);

    @Test
    void everyRecordHasAResultAfterAFailureMidStream() throws Exception {
        Configuration config = new Configuration();
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        config.set(PipelineOptions.GENERIC_TYPES, false); // every record type must have a real Flink serializer
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(2);
        env.enableCheckpointing(250);

        DataGeneratorSource<InferenceRequest> source = new DataGeneratorSource<>(
                TestRequests::textLine, RECORDS, RateLimiterStrategy.perSecond(150), TypeInformation.of(InferenceRequest.class));
        InferenceStreams<InferenceResult> out = Inference.builder()
                .modelStore(TestModels.store().root())
                .model("ppocr-cls")
                .maxBatchSize(16)
                .maxQueueDelay(Duration.ofMillis(20))
                .build()
                .apply(env.fromSource(source, WatermarkStrategy.noWatermarks(), "rendered text lines"));
        CollectingSink<InferenceResult> results = CollectingSink.named("recovery-results");
        CollectingSink<InferenceFailure> failures = CollectingSink.named("recovery-failures");
        FailOnceAfterCheckpoint.reset();
        out.results().map(new FailOnceAfterCheckpoint()).sinkTo(results);
        out.failures().sinkTo(failures);

        env.execute("inference recovery test");

        assertThat(FailOnceAfterCheckpoint.FAILED.get()).as("the failure was injected").isTrue();
        assertThat(failures.collected()).isEmpty();
        List<InferenceResult> collected = results.collected();
        Set<String> ids = collected.stream().map(InferenceResult::id).collect(Collectors.toSet());
        Set<String> expected = LongStream.range(0, RECORDS).mapToObj(i -> "line-" + i).collect(Collectors.toSet());
        assertThat(ids).as("no input id is lost").containsAll(expected).hasSize(RECORDS);
        long correct = collected.stream().filter(r -> r.topLabel().equals(r.metadata().get("truth"))).count();
        assertThat((double) correct / collected.size()).isGreaterThanOrEqualTo(0.95);
    }

    /** Throws once, after the first completed checkpoint and some results, then passes records on. */
    static final class FailOnceAfterCheckpoint extends RichMapFunction<InferenceResult, InferenceResult>
            implements CheckpointListener {
        static final AtomicBoolean FAILED = new AtomicBoolean();
        private static final AtomicInteger CHECKPOINTS = new AtomicInteger();
        private static final AtomicInteger SEEN = new AtomicInteger();

        static void reset() {
            FAILED.set(false);
            CHECKPOINTS.set(0);
            SEEN.set(0);
        }

        @Override
        public InferenceResult map(InferenceResult result) {
            if (SEEN.incrementAndGet() > 60 && CHECKPOINTS.get() > 0 && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("Injected failure after a checkpoint, with records in flight");
            }
            return result;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            CHECKPOINTS.incrementAndGet();
        }
    }
}
