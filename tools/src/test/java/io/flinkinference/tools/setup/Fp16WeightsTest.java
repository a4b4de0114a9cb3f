package io.flinkinference.tools.setup;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class Fp16WeightsTest {
    private static final int FLOAT = OnnxMl.TensorProto.DataType.FLOAT.getNumber();
    private static final int FLOAT16 = OnnxMl.TensorProto.DataType.FLOAT16.getNumber();

    /** Each float and the binary16 bits the FP16 variant must store for it. */
    private static final float[] FLOATS = {
            1.0f, -2.0f, 0f, -0f,
            65504f,                     // the largest half
            65520f, 1e6f,               // round up past the largest half: infinity
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            5.9604645e-8f,              // the smallest subnormal half, 2^-24
            0x1p-25f,                   // halfway between 0 and 2^-24: ties to even, 0
            0x1.8p-24f,                 // halfway between 2^-24 and 2^-23: ties to even, 2^-23
            1f + 0x1p-11f,              // halfway between 1 and 1 + 2^-10: ties to even, 1
            1f + 0x1p-11f + 0x1p-20f,   // just above halfway: up
            1f + 0x3p-11f,              // halfway between 1 + 2^-10 and 1 + 2^-9: ties to even, up
    };
    private static final short[] HALVES = {
            0x3c00, (short) 0xc000, 0x0000, (short) 0x8000,
            0x7bff,
            0x7c00, 0x7c00,
            0x7c00, (short) 0xfc00,
            0x0001,
            0x0000,
            0x0002,
            0x3c00,
            0x3c01,
            0x3c02,
    };

    @Test
    void storesWeightsAsCorrectlyRoundedHalvesAndCastsThemBack() {
        OnnxMl.ModelProto model = model(OnnxMl.TensorProto.newBuilder()
                .setName("w").setDataType(FLOAT).addDims(FLOATS.length)
                .setRawData(littleEndian(FLOATS)).build());

        Fp16Weights.Result result = Fp16Weights.convert(model);

        OnnxMl.GraphProto graph = result.model().getGraph();
        OnnxMl.TensorProto half = graph.getInitializer(0);
        assertThat(half.getName()).isEqualTo("w__fp16");
        assertThat(half.getDataType()).isEqualTo(FLOAT16);
        assertThat(half.getDimsList()).containsExactly((long) FLOATS.length);
        assertThat(halves(half.getRawData())).containsExactly(HALVES);
        OnnxMl.NodeProto cast = graph.getNode(0);
        assertThat(cast.getOpType()).isEqualTo("Cast");
        assertThat(cast.getInputList()).containsExactly("w__fp16");
        assertThat(cast.getOutputList()).containsExactly("w");
        assertThat(result.tensors()).isEqualTo(1);
        assertThat(result.values()).isEqualTo(FLOATS.length);
    }

    @Test
    void convertsConstantsGivenAsFloatDataAndKeepsScalarsAndNaN() {
        OnnxMl.TensorProto constant = OnnxMl.TensorProto.newBuilder()
                .setDataType(FLOAT).addDims(2).addAllFloatData(List.of(Float.NaN, 0.5f)).build();
        OnnxMl.TensorProto scalar = OnnxMl.TensorProto.newBuilder()
                .setName("eps").setDataType(FLOAT).setRawData(littleEndian(new float[] {1e-6f})).build();
        OnnxMl.ModelProto model = model(scalar).toBuilder().setGraph(model(scalar).getGraph().toBuilder()
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Constant").addOutput("c")
                        .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("value")
                                .setType(OnnxMl.AttributeProto.AttributeType.TENSOR).setT(constant))))
                .build();

        Fp16Weights.Result result = Fp16Weights.convert(model);

        OnnxMl.GraphProto graph = result.model().getGraph();
        assertThat(graph.getInitializer(0)).isEqualTo(scalar);
        OnnxMl.NodeProto half = graph.getNode(0);
        assertThat(half.getOutputList()).containsExactly("c__fp16");
        short[] values = halves(half.getAttribute(0).getT().getRawData());
        assertThat(values[0] & 0x7c00).as("NaN keeps the all-ones exponent").isEqualTo(0x7c00);
        assertThat(values[0] & 0x03ff).as("and a non-zero mantissa").isNotZero();
        assertThat(values[1]).isEqualTo((short) 0x3800);
        assertThat(graph.getNode(1).getOutputList()).containsExactly("c");
        assertThat(result.tensors()).isEqualTo(1);
    }

    private static OnnxMl.ModelProto model(OnnxMl.TensorProto initializer) {
        return OnnxMl.ModelProto.newBuilder()
                .setGraph(OnnxMl.GraphProto.newBuilder().setName("g").addInitializer(initializer))
                .build();
    }

    private static ByteString littleEndian(float[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return ByteString.copyFrom(bytes);
    }

    private static short[] halves(ByteString raw) {
        ShortBuffer shorts = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
        short[] values = new short[shorts.remaining()];
        shorts.get(values);
        return values;
    }
}
