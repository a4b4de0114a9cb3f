package io.flinkinference.tools.setup;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * 2:4 structured sparsity, the pattern of NVIDIA's sparse tensor cores: along the input-channel
 * axis of each Conv, MatMul and Gemm weight, in every group of four consecutive values the two of
 * smallest magnitude become zero. Layers whose input-channel count is not a multiple of four
 * (depthwise convolutions, for one) are left dense, and the report says so. Magnitude pruning
 * without fine-tuning costs accuracy; the validation gate decides whether the result is usable.
 */
public final class Sparse24Pruner {
    public static final String TRANSFORM = "prune-2:4";

    private Sparse24Pruner() {}

    /** What happened to one weight tensor. */
    public record Layer(String node, String opType, String weight, List<Long> shape, int axis, boolean pruned, String note) {}

    public record Result(OnnxMl.ModelProto model, List<Layer> layers) {
        public long prunedCount() {
            return layers.stream().filter(Layer::pruned).count();
        }
    }

    public static Result prune(OnnxMl.ModelProto model) {
        OnnxMl.GraphProto graph = model.getGraph();
        Map<String, OnnxMl.TensorProto> weights = new HashMap<>();
        graph.getInitializerList().forEach(t -> weights.put(t.getName(), t));
        for (OnnxMl.NodeProto node : graph.getNodeList()) {
            if (node.getOpType().equals("Constant") && node.getAttributeCount() > 0 && node.getAttribute(0).hasT()) {
                weights.put(node.getOutput(0), node.getAttribute(0).getT());
            }
        }

        Map<String, OnnxMl.TensorProto> pruned = new HashMap<>();
        List<Layer> layers = new ArrayList<>();
        for (OnnxMl.NodeProto node : graph.getNodeList()) {
            if (!List.of("Conv", "MatMul", "Gemm").contains(node.getOpType()) || node.getInputCount() < 2) {
                continue;
            }
            String name = node.getInput(1);
            OnnxMl.TensorProto weight = weights.get(name);
            if (weight == null || weight.getDataType() != OnnxMl.TensorProto.DataType.FLOAT.getNumber()) {
                continue; // an activation, not a weight: nothing to prune
            }
            List<Long> shape = weight.getDimsList();
            int axis = inputChannelAxis(node, shape.size());
            if (axis < 0 || shape.get(axis) % 4 != 0) {
                layers.add(new Layer(node.getName(), node.getOpType(), name, shape, axis, false,
                        axis < 0 ? "unsupported weight rank " + shape.size()
                                : "input channels " + shape.get(axis) + " not a multiple of 4"));
                continue;
            }
            pruned.put(name, pruneTensor(weight, shape, axis));
            layers.add(new Layer(node.getName(), node.getOpType(), name, shape, axis, true, "2 of every 4 zeroed"));
        }
        return new Result(model.toBuilder().setGraph(rewrite(graph, pruned)).build(), layers);
    }

    /** Conv [O, I, kH, kW]: axis 1. MatMul [K, N]: axis 0. Gemm: axis 1 when transB, else 0. */
    private static int inputChannelAxis(OnnxMl.NodeProto node, int rank) {
        return switch (node.getOpType()) {
            case "Conv" -> rank >= 3 ? 1 : -1;
            case "MatMul" -> rank == 2 ? 0 : -1;
            case "Gemm" -> rank != 2 ? -1 : node.getAttributeList().stream()
                    .anyMatch(a -> a.getName().equals("transB") && a.getI() == 1) ? 1 : 0;
            default -> -1;
        };
    }

    private static OnnxMl.TensorProto pruneTensor(OnnxMl.TensorProto tensor, List<Long> shape, int axis) {
        float[] values = floats(tensor);
        forEachGroup(shape, axis, group -> {
            // Keep the two largest magnitudes of the four, zero the other two.
            int[] order = group.clone();
            java.util.Arrays.sort(order); // deterministic ties: by position
            int first = -1;
            int second = -1;
            for (int index : order) {
                if (first < 0 || Math.abs(values[index]) > Math.abs(values[first])) {
                    second = first;
                    first = index;
                } else if (second < 0 || Math.abs(values[index]) > Math.abs(values[second])) {
                    second = index;
                }
            }
            for (int index : group) {
                if (index != first && index != second) {
                    values[index] = 0f;
                }
            }
        });
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return tensor.toBuilder().clearFloatData().setRawData(ByteString.copyFrom(bytes)).build();
    }

    /** Calls {@code action} with the four flat indices of every group along {@code axis}. */
    static void forEachGroup(List<Long> shape, int axis, java.util.function.Consumer<int[]> action) {
        int outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= shape.get(i).intValue();
        }
        int inner = 1;
        for (int i = axis + 1; i < shape.size(); i++) {
            inner *= shape.get(i).intValue();
        }
        int channels = shape.get(axis).intValue();
        for (int o = 0; o < outer; o++) {
            for (int block = 0; block < channels / 4; block++) {
                for (int j = 0; j < inner; j++) {
                    int[] group = new int[4];
                    for (int k = 0; k < 4; k++) {
                        group[k] = (o * channels + block * 4 + k) * inner + j;
                    }
                    action.accept(group);
                }
            }
        }
    }

    static float[] floats(OnnxMl.TensorProto tensor) {
        if (!tensor.getRawData().isEmpty()) {
            float[] values = new float[tensor.getRawData().size() / 4];
            tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            return values;
        }
        float[] values = new float[tensor.getFloatDataCount()];
        for (int i = 0; i < values.length; i++) {
            values[i] = tensor.getFloatData(i);
        }
        return values;
    }

    private static OnnxMl.GraphProto rewrite(OnnxMl.GraphProto graph, Map<String, OnnxMl.TensorProto> pruned) {
        OnnxMl.GraphProto.Builder rewritten = graph.toBuilder().clearInitializer().clearNode();
        for (OnnxMl.TensorProto initializer : graph.getInitializerList()) {
            rewritten.addInitializer(pruned.getOrDefault(initializer.getName(), initializer));
        }
        for (OnnxMl.NodeProto node : graph.getNodeList()) {
            if (node.getOpType().equals("Constant") && pruned.containsKey(node.getOutput(0))) {
                node = node.toBuilder().setAttribute(0, node.getAttribute(0).toBuilder().setT(pruned.get(node.getOutput(0)))).build();
            }
            rewritten.addNode(node);
        }
        return rewritten.build();
    }
}
