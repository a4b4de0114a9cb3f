package io.flinkinference.tools.setup;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Small builders for the ONNX nodes and tensors the rewriting steps add. */
final class OnnxNodes {
    private OnnxNodes() {}

    static OnnxMl.NodeProto constant(String output, OnnxMl.TensorProto value) {
        return OnnxMl.NodeProto.newBuilder()
                .setOpType("Constant")
                .setName(output + "_constant")
                .addOutput(output)
                .addAttribute(OnnxMl.AttributeProto.newBuilder()
                        .setName("value")
                        .setType(OnnxMl.AttributeProto.AttributeType.TENSOR)
                        .setT(value.toBuilder().setName(output)))
                .build();
    }

    static OnnxMl.NodeProto node(String opType, String name, String[] inputs, String output, Integer axis) {
        OnnxMl.NodeProto.Builder node = OnnxMl.NodeProto.newBuilder().setOpType(opType).setName(name).addOutput(output);
        for (String input : inputs) {
            node.addInput(input);
        }
        if (axis != null) {
            node.addAttribute(OnnxMl.AttributeProto.newBuilder()
                    .setName("axis").setType(OnnxMl.AttributeProto.AttributeType.INT).setI(axis));
        }
        return node.build();
    }

    /** Drops Constant nodes (and initializers) that nothing reads any more, as rewriting leaves some behind. */
    static OnnxMl.GraphProto withoutUnusedConstants(OnnxMl.GraphProto graph) {
        java.util.Set<String> read = new java.util.HashSet<>();
        graph.getNodeList().forEach(n -> read.addAll(n.getInputList()));
        graph.getOutputList().forEach(o -> read.add(o.getName()));
        OnnxMl.GraphProto.Builder kept = graph.toBuilder().clearNode().clearInitializer();
        for (OnnxMl.NodeProto node : graph.getNodeList()) {
            if (!node.getOpType().equals("Constant") || read.contains(node.getOutput(0))) {
                kept.addNode(node);
            }
        }
        for (OnnxMl.TensorProto initializer : graph.getInitializerList()) {
            if (read.contains(initializer.getName())) {
                kept.addInitializer(initializer);
            }
        }
        return kept.build();
    }

    static OnnxMl.TensorProto floats(float[] values, long... dims) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return tensor(OnnxMl.TensorProto.DataType.FLOAT, bytes, dims);
    }

    static OnnxMl.TensorProto int8s(byte[] values, long... dims) {
        return tensor(OnnxMl.TensorProto.DataType.INT8, ByteBuffer.wrap(values), dims);
    }

    static OnnxMl.TensorProto uint8s(byte[] values, long... dims) {
        return tensor(OnnxMl.TensorProto.DataType.UINT8, ByteBuffer.wrap(values), dims);
    }

    static OnnxMl.TensorProto int32s(int[] values, long... dims) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asIntBuffer().put(values);
        return tensor(OnnxMl.TensorProto.DataType.INT32, bytes, dims);
    }

    static OnnxMl.TensorProto int64s(long[] values, long... dims) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asLongBuffer().put(values);
        return tensor(OnnxMl.TensorProto.DataType.INT64, bytes, dims);
    }

    private static OnnxMl.TensorProto tensor(OnnxMl.TensorProto.DataType type, ByteBuffer bytes, long... dims) {
        OnnxMl.TensorProto.Builder tensor = OnnxMl.TensorProto.newBuilder().setDataType(type.getNumber())
                .setRawData(ByteString.copyFrom(bytes.rewind()));
        for (long dim : dims) {
            tensor.addDims(dim);
        }
        return tensor.build();
    }
}
