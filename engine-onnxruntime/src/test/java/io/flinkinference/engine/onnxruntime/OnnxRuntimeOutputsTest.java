package io.flinkinference.engine.onnxruntime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.manifest.DataType;
import io.flinkinference.operators.engine.InvalidInputException;
import io.flinkinference.operators.engine.Tensor;
import io.flinkinference.samples.models.PaddleOcrModels;
import io.flinkinference.testing.TestModels;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Where the real models' outputs land: in memory handed to ONNX Runtime before the run when their
 * shape is known for the batch (the classifier's [N, 2]), copied out otherwise (the recognizer's
 * [N, T, 6625]); either way with the values a plain {@code session.run} gives.
 */
class OnnxRuntimeOutputsTest {
    private static final String CLS_OUTPUT = "softmax_0.tmp_0";

    @Test
    void onnxRuntimeWritesTheClassifiersOutputIntoTheCallersMemory() throws Exception {
        ModelVersion classifier = TestModels.classifier();
        Tensor input = randomInput(5, 3, 48, 192);
        // Read-only: no Java code can put values into it, so whatever is there afterwards was
        // written by ONNX Runtime's native kernels into the memory it was given as a pinned output.
        ByteBuffer memory = ByteBuffer.allocateDirect(5 * 2 * Float.BYTES).order(ByteOrder.nativeOrder());
        Tensor into = Tensor.wrap(DataType.FLOAT32, new long[] {5, 2}, memory.asReadOnlyBuffer());

        Map<String, Tensor> out;
        try (OnnxRuntimeEngine engine = OnnxRuntimeEngine.open(classifier, options())) {
            out = engine.infer(Map.of("x", input), Map.of(CLS_OUTPUT, into));
        }

        assertThat(out.get(CLS_OUTPUT)).isSameAs(into);
        assertThat(floats(memory.asFloatBuffer())).containsExactly(plainRun(classifier, input));
    }

    @Test
    void allocatesKnownShapesItselfWithThePlainRunsValues() throws Exception {
        ModelVersion classifier = TestModels.classifier();
        try (OnnxRuntimeEngine engine = OnnxRuntimeEngine.open(classifier, options())) {
            for (int batch : new int[] {1, 3, 17}) {
                Tensor input = randomInput(batch, 3, 48, 192);
                Tensor out = engine.infer(Map.of("x", input)).get(CLS_OUTPUT);
                assertThat(out.shape()).containsExactly(batch, 2);
                assertThat(floats(out.floats())).containsExactly(plainRun(classifier, input));
            }
        }
    }

    @Test
    void copiesOutOutputsWhoseShapeOnlyTheRunTells() throws Exception {
        ModelVersion recognizer = TestModels.store().resolve(ModelRef.latest(PaddleOcrModels.RECOGNIZER));
        Tensor input = randomInput(2, 3, 48, 160);
        try (OnnxRuntimeEngine engine = OnnxRuntimeEngine.open(recognizer, options())) {
            String output = engine.outputs().get(0).name();
            Tensor out = engine.infer(Map.of("x", input)).get(output);
            assertThat(out.shape()).hasSize(3).startsWith(2).endsWith(6625);
            assertThat(floats(out.floats())).containsExactly(plainRun(recognizer, input));

            Tensor guess = Tensor.allocate(DataType.FLOAT32, out.shape());
            assertThatThrownBy(() -> engine.infer(Map.of("x", input), Map.of(output, guess)))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("not one whose shape is known before the run");
        }
    }

    @Test
    void refusesCallerMemoryOfTheWrongShape() {
        try (OnnxRuntimeEngine engine = OnnxRuntimeEngine.open(TestModels.classifier(), options())) {
            assertThatThrownBy(() -> engine.infer(Map.of("x", randomInput(4, 3, 48, 192)),
                    Map.of(CLS_OUTPUT, Tensor.allocate(DataType.FLOAT32, 3, 2))))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("is float32[4, 2] for this batch; the given tensor is float32[3, 2]");
        }
    }

    /** The engine's old path: ONNX Runtime allocates the output, read back through the Java API. */
    private static float[] plainRun(ModelVersion model, Tensor input) throws Exception {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions sessionOptions = new OrtSession.SessionOptions()) {
            sessionOptions.setIntraOpNumThreads(1);
            sessionOptions.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.BASIC_OPT);
            try (OrtSession session = environment.createSession(model.readModel(), sessionOptions);
                    OnnxTensor x = OnnxTensor.createTensor(environment, input.floats(), input.shape());
                    OrtSession.Result result = session.run(Map.of("x", x))) {
                return floats(((OnnxTensor) result.get(0)).getFloatBuffer());
            }
        }
    }

    private static Configuration options() {
        Configuration options = new Configuration();
        options.set(OnnxRuntimeOptions.INTRA_OP_THREADS, 1);
        options.set(OnnxRuntimeOptions.OPTIMIZATION_LEVEL, OnnxRuntimeOptions.OptimizationLevel.BASIC);
        return options;
    }

    private static Tensor randomInput(long... shape) {
        Tensor input = Tensor.allocate(DataType.FLOAT32, shape);
        Random random = new Random(42);
        FloatBuffer values = input.floats();
        while (values.hasRemaining()) {
            values.put(random.nextFloat() * 2 - 1);
        }
        return input;
    }

    private static float[] floats(FloatBuffer buffer) {
        float[] values = new float[buffer.remaining()];
        buffer.duplicate().get(values);
        return values;
    }
}
