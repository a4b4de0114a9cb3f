package io.flinkinference.tools.setup;

import ai.onnx.proto.OnnxMl;
import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.samples.models.PaddleOcrModels;
import io.flinkinference.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two INT8 forms of {@link QdqQuantizer} on the real models, and what ONNX Runtime's CPU
 * graph optimizer makes of the CPU form: int8 kernels for every quantized node, not Q/DQ around
 * float ones.
 */
class Int8FormsTest {
    /** The seed setup int8 calibrates with; 32 lines are enough to have ranges, and quick. */
    private static final long CALIBRATION_SEED = 7L;
    private static final Map<String, QdqQuantizer.Calibrated> CALIBRATED = new HashMap<>();

    @TempDir
    Path folder;

    @Test
    void theCpuFormHasUint8ActivationsWithZeroPointsPerChannelInt8WeightsAndInt32Biases() {
        QdqGraph qdq = new QdqGraph(calibrated(PaddleOcrModels.CLASSIFIER).quantize(Set.of(), QdqQuantizer.Target.ONNX_RUNTIME).model());

        List<OnnxMl.NodeProto> quantizers = qdq.nodes("QuantizeLinear");
        assertThat(quantizers).hasSizeGreaterThan(50);
        assertThat(quantizers).as("activations quantized to uint8")
                .allSatisfy(q -> assertThat(qdq.constant(q.getInput(2)).getDataType()).isEqualTo(QdqGraph.type("UINT8")));
        // Hard-swish outputs reach below zero only a little: their zero point sits near the bottom, not at 128 or 0.
        assertThat(quantizers).as("zero points over the calibrated range, not all 0")
                .anyMatch(q -> zeroPoint(qdq.constant(q.getInput(2))) > 0);

        List<OnnxMl.NodeProto> convs = qdq.quantized("Conv");
        assertThat(convs).as("53 Convs less the 11 depthwise").hasSizeGreaterThanOrEqualTo(40);
        assertThat(qdq.weightDequantizers()).as("one per-channel int8 weight per quantized node").hasSizeGreaterThanOrEqualTo(convs.size())
                .allSatisfy(dq -> {
                    assertThat(dq.getAttributeList()).anyMatch(a -> a.getName().equals("axis"));
                    OnnxMl.TensorProto scales = qdq.constant(dq.getInput(1));
                    assertThat(scales.getDims(0)).as("a scale per output channel").isGreaterThan(1);
                    OnnxMl.TensorProto zeros = qdq.constant(dq.getInput(2));
                    assertThat(zeros.getDataType()).isEqualTo(QdqGraph.type("INT8"));
                    assertThat(zeros.getRawData().toByteArray()).as("symmetric weights").containsOnly((byte) 0);
                });
        assertThat(convs.stream().filter(c -> c.getInputCount() > 2)).as("biases as int32 at input x weight scale").allSatisfy(c -> {
            assertThat(qdq.producedBy(c.getInput(2), "DequantizeLinear")).isTrue();
        });
        assertThat(qdq.nodes("DequantizeLinear")).anyMatch(dq -> qdq.constant(dq.getInput(0)) != null
                && qdq.constant(dq.getInput(0)).getDataType() == QdqGraph.type("INT32"));
    }

    /**
     * With symmetric int8 activations 24 quantized Convs of the classifier stayed float Convs between
     * their Q/DQ (issue 5); in the CPU form every quantized one is a QLinearConv, and the only float
     * Convs are the depthwise ones, left out on purpose.
     */
    @Test
    void onnxRuntimeRunsEveryQuantizedConvOfTheClassifierAsQLinearConv() throws Exception {
        QdqQuantizer.Result result = calibrated(PaddleOcrModels.CLASSIFIER).quantize(Set.of(), QdqQuantizer.Target.ONNX_RUNTIME);
        QdqGraph qdq = new QdqGraph(result.model());
        int convs = qdq.quantized("Conv").size();
        assertThat(convs).isGreaterThanOrEqualTo(40);

        OptimizedGraph optimized = OptimizedGraph.of(result.model().toByteArray(), folder);
        System.out.println("ppocr-cls, CPU form, ONNX Runtime's optimized graph: " + optimized.opCounts());
        assertThat(optimized.count("com.microsoft:QLinearConv")).isEqualTo(convs);
        assertThat(floatConvs(optimized)).as("the depthwise Convs, and only they, in float").isEqualTo(depthwise(qdq));
        assertThat(optimized.standaloneQdqPairs()).as("Q -> DQ round trips").isZero();
    }

    @Test
    void onnxRuntimeRunsTheRecognizersQuantizedConvsAndMatMulsAsInt8Kernels() throws Exception {
        QdqQuantizer.Result result = calibrated(PaddleOcrModels.RECOGNIZER).quantize(Set.of(), QdqQuantizer.Target.ONNX_RUNTIME);
        QdqGraph qdq = new QdqGraph(result.model());
        int convs = qdq.quantized("Conv").size();
        int matMuls = qdq.quantized("MatMul").size();
        assertThat(matMuls).as("the neck's and the head's MatMuls with constant weights").isGreaterThanOrEqualTo(9);

        OptimizedGraph optimized = OptimizedGraph.of(result.model().toByteArray(), folder);
        System.out.println("ppocr-rec, CPU form, ONNX Runtime's optimized graph: " + optimized.opCounts());
        assertThat(optimized.count("com.microsoft:QLinearConv")).isEqualTo(convs);
        assertThat(floatConvs(optimized)).isEqualTo(depthwise(qdq));
        assertThat(optimized.count("com.microsoft:MatMulIntegerToFloat") + optimized.count("com.microsoft:QLinearMatMul"))
                .isEqualTo(matMuls);
        assertThat(optimized.standaloneQdqPairs()).isZero();
    }

    @Test
    void theTensorRtFormIsSymmetricWithZeroPointsZeroAndFloatBiases() {
        QdqGraph qdq = new QdqGraph(calibrated(PaddleOcrModels.RECOGNIZER).quantize(Set.of(), QdqQuantizer.Target.TENSORRT).model());

        assertThat(qdq.nodes("QuantizeLinear")).hasSizeGreaterThan(50).allSatisfy(q -> {
            OnnxMl.TensorProto zero = qdq.constant(q.getInput(2));
            assertThat(zero.getDataType()).isEqualTo(QdqGraph.type("INT8"));
            assertThat(zeroPoint(zero)).isZero();
        });
        assertThat(qdq.nodes("DequantizeLinear")).as("no int32 bias").noneMatch(dq -> qdq.constant(dq.getInput(0)) != null
                && qdq.constant(dq.getInput(0)).getDataType() == QdqGraph.type("INT32"));
        assertThat(qdq.quantized("Conv").stream().filter(c -> c.getInputCount() > 2))
                .allSatisfy(c -> assertThat(qdq.producedBy(c.getInput(2), "DequantizeLinear")).isFalse());
        // Unlike the CPU form, a MatMul's output is quantized too: TensorRT wants Q/DQ on both sides.
        assertThat(qdq.quantized("MatMul")).isNotEmpty().allSatisfy(m -> assertThat(qdq.nodes("QuantizeLinear"))
                .anyMatch(q -> q.getInput(0).equals(m.getOutput(0))));
    }

    /** Convs with one input channel per group, none of which the CPU form quantizes. */
    private static int depthwise(QdqGraph qdq) {
        List<OnnxMl.NodeProto> depthwise = qdq.nodes("Conv").stream().filter(c -> c.getAttributeList().stream()
                .anyMatch(a -> a.getName().equals("group") && a.getI() > 1)).toList();
        assertThat(depthwise).isNotEmpty().noneMatch(c -> qdq.producedBy(c.getInput(1), "DequantizeLinear"));
        return depthwise.size();
    }

    private static int floatConvs(OptimizedGraph optimized) {
        return optimized.count("Conv") + optimized.count("com.microsoft.nchwc:Conv") + optimized.count("com.microsoft:FusedConv");
    }

    private static int zeroPoint(OnnxMl.TensorProto zero) {
        ByteBuffer bytes = zero.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        return zero.getDataType() == QdqGraph.type("UINT8") ? Byte.toUnsignedInt(bytes.get(0)) : bytes.get(0);
    }

    private static synchronized QdqQuantizer.Calibrated calibrated(String model) {
        return CALIBRATED.computeIfAbsent(model, name -> {
            ModelVersion version = TestModels.store().resolve(ModelRef.latest(name));
            try {
                return QdqQuantizer.calibrate(OnnxMl.ModelProto.parseFrom(version.readModel()), version.manifest().inputs(),
                        SampleImages.renderedTextLines(32, CALIBRATION_SEED, version.manifest()).batches(version.manifest()),
                        QdqQuantizer.Calibration.PERCENTILE, 99.99, done -> { });
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
