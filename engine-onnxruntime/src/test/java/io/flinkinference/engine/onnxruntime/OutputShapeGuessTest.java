package io.flinkinference.engine.onnxruntime;

import ai.onnx.proto.OnnxMl;
import io.flinkinference.modelstore.manifest.DataType;
import io.flinkinference.modelstore.manifest.TensorSpec;
import io.flinkinference.operators.engine.Tensor;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine guesses that an output's dynamic first dimension is the batch, to hand ONNX Runtime
 * output memory before the run. For a model where it is not (a Reshape that turns [N, 4] into
 * [2N, 2]), the guess is refused by ONNX Runtime; the batch must still come back right, then and
 * afterwards.
 */
class OutputShapeGuessTest {

    @Test
    void anOutputWhoseFirstDimensionIsNotTheBatchStillComesBack() {
        List<TensorSpec> inputs = List.of(new TensorSpec("x", DataType.FLOAT32, List.of(-1L, 4L), null));
        List<TensorSpec> outputs = List.of(new TensorSpec("y", DataType.FLOAT32, List.of(-1L, 2L), null));
        try (OnnxRuntimeEngine engine = OnnxRuntimeEngine.fromBytes("reshape", reshapeModel(), inputs, outputs, new Configuration())) {
            for (int run = 0; run < 2; run++) {
                Tensor x = Tensor.allocate(DataType.FLOAT32, 3, 4);
                for (int i = 0; i < 12; i++) {
                    x.floats().put(i, i + run);
                }
                Tensor y = engine.infer(Map.of("x", x)).get("y");

                assertThat(y.shape()).containsExactly(6, 2);
                for (int i = 0; i < 12; i++) {
                    assertThat(y.floats().get(i)).isEqualTo(i + run);
                }
            }
        }
    }

    /** y = Reshape(x, [-1, 2]) for x of shape [N, 4]: y's first dimension is 2N, not N. */
    private static byte[] reshapeModel() {
        OnnxMl.TensorProto target = OnnxMl.TensorProto.newBuilder().setName("shape")
                .setDataType(OnnxMl.TensorProto.DataType.INT64.getNumber()).addDims(2).addInt64Data(-1).addInt64Data(2).build();
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder().setName("reshape")
                .addInput(value("x", "N", 4))
                .addOutput(value("y", "M", 2))
                .addInitializer(target)
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Reshape").addInput("x").addInput("shape").addOutput("y"))
                .build();
        return OnnxMl.ModelProto.newBuilder().setIrVersion(8).setGraph(graph)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).build().toByteArray();
    }

    private static OnnxMl.ValueInfoProto value(String name, String dynamic, long fixed) {
        return OnnxMl.ValueInfoProto.newBuilder().setName(name)
                .setType(OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                        .setShape(OnnxMl.TensorShapeProto.newBuilder()
                                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam(dynamic))
                                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(fixed)))))
                .build();
    }
}
