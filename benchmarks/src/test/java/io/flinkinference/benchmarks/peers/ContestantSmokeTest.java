package io.flinkinference.benchmarks.peers;

import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.ZooModel;
import io.flinkinference.engine.onnxruntime.OnnxRuntimeEngineProvider;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.manifest.DataType;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.operators.engine.Tensor;
import io.flinkinference.testing.TestModels;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One short real run of the contestants without Kafka that are cheapest to start, on the real
 * classifier, through the same code path a contestant's JVM takes; and DJL's answers against ONNX
 * Runtime's for the same tensors, so that the DJL contestants are known to do the model's work.
 */
class ContestantSmokeTest {
    private static final Duration WINDOW = Duration.ofSeconds(1);
    private static Workload workload;

    @BeforeAll
    static void workload() {
        ModelVersion classifier = TestModels.classifier();
        workload = Workloads.of(classifier, 32, 2, Duration.ofMillis(300), null);
    }

    @Test
    void theRawEngineAnswersRecordsAndReportsItsCurve() throws Exception {
        RunResult result = ContestantProcess.run(new RawOrtContestant(List.of(1, 8), line -> { }), workload, 0, WINDOW);

        assertThat(result.contestant()).isEqualTo(Contestants.RAW_ORT);
        assertThat(result.records()).isPositive();
        assertThat(result.seconds()).isBetween(0.9, 5.0);
        assertThat(result.p50Millis()).isPositive();
        assertThat(result.cpuMillisPerRecord()).isPositive();
        assertThat(result.peakHeapMb()).isPositive();
        // Three configurations by two batch sizes.
        assertThat(result.curve()).hasSize(6).allSatisfy(point -> assertThat(point.recordsPerSecond()).isPositive());
    }

    @Test
    void djlPerRecordAnswersRecordsInAMiniCluster() throws Exception {
        RunResult result = ContestantProcess.run(Contestants.create(Contestants.DJL_PER_RECORD), workload, 0, WINDOW);

        assertThat(result.records()).isPositive();
        assertThat(result.failures()).isZero();
        assertThat(result.curve()).isEmpty();
    }

    @Test
    void djlAnswersWhatOnnxRuntimeAnswersForTheSameTensors() throws Exception {
        List<byte[]> tensors = workload.tensors();
        int[] expected = onnxRuntimeArgMax(tensors);
        DjlModel model = DjlModel.prepare(workload.model(), workload.tensorShape(), ScratchDirectory.get());
        int[] perRecord = new int[tensors.size()];
        int[] batched = new int[tensors.size()];
        try (ZooModel<byte[], int[]> loaded = model.load(); Predictor<byte[], int[]> predictor = loaded.newPredictor()) {
            for (int i = 0; i < tensors.size(); i++) {
                perRecord[i] = predictor.predict(tensors.get(i))[0];
            }
            List<int[]> answers = predictor.batchPredict(tensors);
            for (int i = 0; i < tensors.size(); i++) {
                batched[i] = answers.get(i)[0];
            }
        }

        // The lines are upright and upside down at random: both classes must be there, or equality proves little.
        assertThat(Arrays.stream(expected).distinct().count()).isEqualTo(2);
        assertThat(perRecord).isEqualTo(expected);
        assertThat(batched).isEqualTo(expected);
    }

    /** The class of each tensor by the project's own ONNX Runtime engine, all in one batch. */
    private static int[] onnxRuntimeArgMax(List<byte[]> tensors) {
        try (InferenceEngine engine = new OnnxRuntimeEngineProvider().open(workload.model(), new Configuration(), -1)) {
            long[] shape = workload.tensorShape().clone();
            shape[0] = tensors.size();
            Tensor batch = Tensor.allocate(DataType.FLOAT32, shape);
            FloatBuffer values = batch.floats();
            for (byte[] tensor : tensors) {
                values.put(ByteBuffer.wrap(tensor).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer());
            }
            String input = engine.inputs().get(0).name();
            Tensor scores = engine.infer(Map.of(input, batch)).get(engine.outputs().get(0).name());
            float[] flat = new float[Math.toIntExact(scores.elementCount())];
            scores.floats().get(flat);
            return ArgMaxTranslator.argMaxRows(flat, Math.toIntExact(scores.dim(scores.rank() - 1)));
        }
    }
}
