package io.flinkinference.operators;

import io.flinkinference.engine.onnxruntime.OnnxRuntimeEngine;
import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.manifest.TensorSpec;
import io.flinkinference.operators.batching.BatchFitting;
import io.flinkinference.operators.batching.BatchLimitFitter;
import io.flinkinference.operators.batching.BatchingConfig;
import io.flinkinference.operators.engine.BatchRange;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.operators.engine.Tensor;
import io.flinkinference.samples.models.PaddleOcrModels;
import io.flinkinference.testing.CollectingSink;
import io.flinkinference.testing.TestModels;
import io.flinkinference.testing.TestRequests;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fitting the max batch size to the real orientation classifier on ONNX Runtime, in a job of two
 * subtasks sharing their TaskManager's batcher (the default scope): whatever this machine's curve,
 * the cap is one of the sizes swept, both subtasks report the same one (one batcher, fitted once)
 * on the {@code maxBatchSize} gauge, and no batch is larger.
 */
class BatchLimitFittingJobTest {
    private static final int PARALLELISM = 2;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(PARALLELISM)
            .setConfiguration(configuration())
            .build());

    private static Configuration configuration() {
        Configuration config = new Configuration();
        config.setString("metrics.reporter.limits.factory.class", BatchLimitReporter.Factory.class.getName());
        return config;
    }

    /** The fitter on the real engine: it times every swept size, smallest first, and caps at one of them. */
    @Test
    void theFitterTimesTheRealClassifierAtEverySweptSizeAndCapsAtOneOfThem() throws Exception {
        ModelVersion classifier = TestModels.store().resolve(ModelRef.latest(PaddleOcrModels.CLASSIFIER));
        List<Long> timed = new CopyOnWriteArrayList<>();
        try (InferenceEngine engine = OnnxRuntimeEngine.open(classifier, new Configuration())) {
            InferenceEngine recording = new RecordingEngine(engine, timed);
            BatchingConfig fitted = new BatchLimitFitter(new BatchFitting(true, Duration.ofSeconds(1)), System::nanoTime)
                    .fit("cls", recording, classifier.manifest().preprocessing(), new BatchingConfig(32, 0, null, 2));

            assertThat(fitted.maxBatchSize()).isIn(1, 2, 4, 8, 16, 32);
            assertThat(fitted.maxInflightBatches()).isEqualTo(2);
        }
        assertThat(timed.stream().distinct().toList()).as("sizes timed, in order").startsWith(1L, 2L, 4L).isSorted();
    }

    @Test
    void theCapIsASweptSizeReportedOnTheGaugeAndInTheLogAndNoBatchIsLarger() throws Exception {
        BatchLimitReporter.GAUGES.clear();
        List<String> logged = new CopyOnWriteArrayList<>();
        org.apache.logging.log4j.core.Logger fitterLog =
                (org.apache.logging.log4j.core.Logger) LogManager.getLogger(BatchLimitFitter.class);
        Level level = fitterLog.getLevel();
        AbstractAppender lines = new AbstractAppender("fit-lines", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                logged.add(event.getMessage().getFormattedMessage());
            }
        };
        lines.start();
        fitterLog.addAppender(lines);
        fitterLog.setLevel(Level.INFO);
        try {
            runAndCheck(logged);
        } finally {
            fitterLog.removeAppender(lines);
            fitterLog.setLevel(level);
        }
    }

    private void runAndCheck(List<String> logged) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(PARALLELISM);
        var requests = IntStream.range(0, 60).mapToObj(TestRequests::textLine).toArray(InferenceRequest[]::new);
        InferenceStreams<InferenceResult> out = Inference.builder()
                .modelStore(TestModels.store().root())
                .model("ppocr-cls")
                .fitBudget(Duration.ofSeconds(1)) // fit-to-engine is on by default; a short budget keeps the test short
                .build()
                .apply(env.fromData(TypeInformation.of(InferenceRequest.class), requests).rebalance());
        CollectingSink<InferenceResult> results = CollectingSink.named("fitted-results");
        out.results().sinkTo(results);

        env.execute("batch limit fitting test");

        assertThat(BatchLimitReporter.GAUGES).hasSize(PARALLELISM);
        Object cap = BatchLimitReporter.GAUGES.get(0).getValue();
        assertThat(cap).as("a size the default max batch of 32 sweeps").isIn(1, 2, 4, 8, 16, 32);
        assertThat(BatchLimitReporter.GAUGES.get(1).getValue()).as("one batcher per TaskManager, fitted once").isEqualTo(cap);
        assertThat(results.collected()).hasSize(60).allSatisfy(r -> assertThat(r.batchSize()).isLessThanOrEqualTo((Integer) cap));
        // One line for the one batcher: the curve measured and the cap it chose (or kept).
        assertThat(logged).singleElement().asString().startsWith("Batch limit of onnxruntime/ppocr-cls:")
                .contains("max batch " + cap + " ", "records/s by batch size 1: ", "inference.batch.fit-budget");
    }

    /** The real engine, noting the batch size of each call. */
    private record RecordingEngine(InferenceEngine engine, List<Long> batchSizes) implements InferenceEngine {
        @Override
        public String engineName() {
            return engine.engineName();
        }

        @Override
        public List<TensorSpec> inputs() {
            return engine.inputs();
        }

        @Override
        public List<TensorSpec> outputs() {
            return engine.outputs();
        }

        @Override
        public BatchRange batchRange() {
            return engine.batchRange();
        }

        @Override
        public Map<String, Tensor> infer(Map<String, Tensor> inputs) {
            batchSizes.add(inputs.values().iterator().next().dim(0));
            return engine.infer(inputs);
        }

        @Override
        public void close() {}
    }
}
