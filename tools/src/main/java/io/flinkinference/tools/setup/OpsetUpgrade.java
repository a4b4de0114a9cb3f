package io.flinkinference.tools.setup;

import ai.onnx.proto.OnnxMl;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Moves a model to opset 13, the first with per-channel QuantizeLinear/DequantizeLinear, for the
 * operators whose form changed on the way and that this project meets: Clip (min/max become
 * inputs at 11), Slice (starts/ends/axes become inputs at 10), Squeeze and Unsqueeze (axes become
 * an input at 13). A model using another operator whose form changed is refused by name; the
 * validation gate still compares the result with the original.
 */
final class OpsetUpgrade {
    static final int TARGET = 13;
    /** Operators whose attributes or inputs changed between opset 9 and 13 and that are not converted here. */
    private static final Set<String> UNCONVERTED = Set.of("Pad", "Split", "Upsample", "Resize", "TopK", "ReduceSum",
            "Scatter", "Dropout");

    private OpsetUpgrade() {}

    static OnnxMl.ModelProto toOpset13(OnnxMl.ModelProto model, long opset) {
        if (opset >= TARGET) {
            return model;
        }
        OnnxMl.GraphProto graph = model.getGraph();
        Set<String> refused = new TreeSet<>();
        OnnxMl.GraphProto.Builder upgraded = graph.toBuilder().clearNode();
        int counter = 0;
        for (OnnxMl.NodeProto node : graph.getNodeList()) {
            String prefix = (node.getName().isEmpty() ? node.getOpType() + "_" + counter++ : node.getName()) + "_opset13_";
            switch (node.getOpType()) {
                case "Clip" -> upgradeClip(node, prefix, upgraded);
                case "Slice" -> upgradeSlice(node, prefix, upgraded);
                case "Squeeze", "Unsqueeze" -> upgradeAxes(node, prefix, upgraded);
                default -> {
                    if (UNCONVERTED.contains(node.getOpType())) {
                        refused.add(node.getOpType());
                    }
                    upgraded.addNode(node);
                }
            }
        }
        if (!refused.isEmpty()) {
            throw new IllegalArgumentException("INT8 quantization needs opset " + TARGET + ", and the model (opset " + opset
                    + ") uses " + refused + ", whose form changed on the way and which this step does not convert. "
                    + "Export the model at opset " + TARGET + " or later.");
        }
        List<OnnxMl.OperatorSetIdProto> imports = new ArrayList<>();
        for (OnnxMl.OperatorSetIdProto id : model.getOpsetImportList()) {
            imports.add(id.getDomain().isEmpty() || id.getDomain().equals("ai.onnx") ? id.toBuilder().setVersion(TARGET).build() : id);
        }
        return model.toBuilder()
                .setIrVersion(Math.max(model.getIrVersion(), 7))
                .clearOpsetImport().addAllOpsetImport(imports)
                .setGraph(upgraded).build();
    }

    private static void upgradeClip(OnnxMl.NodeProto node, String prefix, OnnxMl.GraphProto.Builder graph) {
        Float min = floatAttribute(node, "min");
        Float max = floatAttribute(node, "max");
        if (min == null && max == null) {
            graph.addNode(node);
            return;
        }
        OnnxMl.NodeProto.Builder clip = node.toBuilder().clearAttribute().clearInput().addInput(node.getInput(0));
        clip.addInput(min == null ? "" : prefix + "min");
        if (min != null) {
            graph.addNode(OnnxNodes.constant(prefix + "min", OnnxNodes.floats(new float[] {min})));
        }
        if (max != null) {
            graph.addNode(OnnxNodes.constant(prefix + "max", OnnxNodes.floats(new float[] {max})));
            clip.addInput(prefix + "max");
        }
        graph.addNode(clip.build());
    }

    private static void upgradeSlice(OnnxMl.NodeProto node, String prefix, OnnxMl.GraphProto.Builder graph) {
        if (node.getInputCount() > 1) {
            graph.addNode(node); // already the input form
            return;
        }
        OnnxMl.NodeProto.Builder slice = node.toBuilder().clearAttribute();
        for (String name : List.of("starts", "ends", "axes")) {
            long[] values = intsAttribute(node, name);
            if (values != null) {
                graph.addNode(OnnxNodes.constant(prefix + name, OnnxNodes.int64s(values, values.length)));
                slice.addInput(prefix + name);
            }
        }
        graph.addNode(slice.build());
    }

    private static void upgradeAxes(OnnxMl.NodeProto node, String prefix, OnnxMl.GraphProto.Builder graph) {
        long[] axes = intsAttribute(node, "axes");
        if (axes == null) {
            graph.addNode(node);
            return;
        }
        graph.addNode(OnnxNodes.constant(prefix + "axes", OnnxNodes.int64s(axes, axes.length)));
        graph.addNode(node.toBuilder().clearAttribute().addInput(prefix + "axes").build());
    }

    private static Float floatAttribute(OnnxMl.NodeProto node, String name) {
        return node.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst().map(a -> a.getF()).orElse(null);
    }

    private static long[] intsAttribute(OnnxMl.NodeProto node, String name) {
        return node.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst()
                .map(a -> a.getIntsList().stream().mapToLong(Long::longValue).toArray()).orElse(null);
    }
}
