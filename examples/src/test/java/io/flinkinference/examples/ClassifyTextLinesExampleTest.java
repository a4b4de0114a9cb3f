package io.flinkinference.examples;

import io.flinkinference.testing.TestClusters;
import io.flinkinference.operators.InferenceFailure;
import io.flinkinference.operators.InferenceResult;
import io.flinkinference.operators.InferenceStreams;
import io.flinkinference.testing.CollectingSink;
import io.flinkinference.testing.TestModels;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** The example job on a MiniCluster, with the real classifier: every line comes back, nearly all of them right. */
class ClassifyTextLinesExampleTest {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = TestClusters.oneTaskManager(2);

    @Test
    void classifiesTheRenderedLinesByOrientation() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        InferenceStreams<InferenceResult> out = ClassifyTextLinesExample.classify(env, TestModels.store().root(), 40);
        CollectingSink<InferenceResult> results = CollectingSink.named("example-results");
        CollectingSink<InferenceFailure> failures = CollectingSink.named("example-failures");
        out.results().sinkTo(results);
        out.failures().sinkTo(failures);

        env.execute("example test");

        assertThat(failures.collected()).isEmpty();
        assertThat(results.collected()).hasSize(40)
                .allSatisfy(r -> assertThat(r.topLabel()).isIn("0", "180"));
        assertThat(results.collected()).extracting(r -> r.metadata().get(ClassifyTextLinesExample.TRUTH))
                .as("the seeded lines are a mix of upright and upside down").contains("0", "180");
        long right = results.collected().stream()
                .filter(r -> r.topLabel().equals(r.metadata().get(ClassifyTextLinesExample.TRUTH))).count();
        assertThat(right).as("lines classified right, of 40").isGreaterThanOrEqualTo(36);
    }
}
