package io.flinkinference.tools.setup;

import ai.onnx.proto.OnnxMl;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reading a QDQ model the way the tests check it: who writes a tensor, and the constants Q/DQ read. */
final class QdqGraph {
    private final OnnxMl.GraphProto graph;
    private final Map<String, OnnxMl.NodeProto> producers = new HashMap<>();
    private final Map<String, OnnxMl.TensorProto> constants = new HashMap<>();

    QdqGraph(OnnxMl.ModelProto model) {
        this.graph = model.getGraph();
        for (OnnxMl.NodeProto node : graph.getNodeList()) {
            node.getOutputList().forEach(o -> producers.put(o, node));
            if (node.getOpType().equals("Constant")) {
                constants.put(node.getOutput(0), node.getAttribute(0).getT());
            }
        }
        graph.getInitializerList().forEach(t -> constants.put(t.getName(), t));
    }

    List<OnnxMl.NodeProto> nodes(String opType) {
        return graph.getNodeList().stream().filter(n -> n.getOpType().equals(opType)).toList();
    }

    boolean producedBy(String tensor, String opType) {
        OnnxMl.NodeProto producer = producers.get(tensor);
        return producer != null && producer.getOpType().equals(opType);
    }

    /** Nodes of {@code opType} whose activation and weight both come out of DequantizeLinear: the quantized ones. */
    List<OnnxMl.NodeProto> quantized(String opType) {
        return nodes(opType).stream().filter(n -> producedBy(n.getInput(0), "DequantizeLinear"))
                .filter(n -> producedBy(n.getInput(1), "DequantizeLinear")).toList();
    }

    OnnxMl.TensorProto constant(String name) {
        return constants.get(name);
    }

    /** The activations' DequantizeLinear nodes: those reading a QuantizeLinear's output. */
    List<OnnxMl.NodeProto> activationDequantizers() {
        return nodes("DequantizeLinear").stream().filter(n -> producedBy(n.getInput(0), "QuantizeLinear")).toList();
    }

    /** The weights' DequantizeLinear nodes: those reading an int8 constant. */
    List<OnnxMl.NodeProto> weightDequantizers() {
        return nodes("DequantizeLinear").stream().filter(n -> constants.containsKey(n.getInput(0)))
                .filter(n -> constants.get(n.getInput(0)).getDataType() == OnnxMl.TensorProto.DataType.INT8.getNumber()).toList();
    }

    static int type(String name) {
        return OnnxMl.TensorProto.DataType.valueOf(name).getNumber();
    }
}
