package io.flinkinference.tools.setup;

import ai.onnx.proto.OnnxMl;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Folds each inference-mode BatchNormalization into the Conv before it (weights scaled per output
 * channel, bias shifted), as quantizers do first: the Conv output then has the normalized range,
 * so one per-tensor activation scale fits all its channels. Only Convs whose output feeds nothing
 * but that BatchNormalization, with constant parameters, are folded; the result computes the same
 * function up to float rounding.
 */
final class BatchNormFolding {
    private BatchNormFolding() {}

    record Result(OnnxMl.ModelProto model, int folded) {}

    static Result fold(OnnxMl.ModelProto model) {
        OnnxMl.GraphProto graph = model.getGraph();
        Map<String, OnnxMl.TensorProto> constants = new HashMap<>();
        Map<String, OnnxMl.NodeProto> producers = new HashMap<>();
        Map<String, Integer> readers = new HashMap<>();
        graph.getInitializerList().forEach(t -> constants.put(t.getName(), t));
        for (OnnxMl.NodeProto node : graph.getNodeList()) {
            if (node.getOpType().equals("Constant") && node.getAttributeCount() > 0 && node.getAttribute(0).hasT()) {
                constants.put(node.getOutput(0), node.getAttribute(0).getT());
            }
            node.getOutputList().forEach(o -> producers.put(o, node));
            node.getInputList().forEach(i -> readers.merge(i, 1, Integer::sum));
        }
        graph.getOutputList().forEach(o -> readers.merge(o.getName(), 1, Integer::sum));

        Map<String, OnnxMl.NodeProto> foldedConvs = new HashMap<>();   // conv node name -> rewritten conv
        Map<String, OnnxMl.TensorProto> newConstants = new HashMap<>(); // constant output -> new tensor
        Set<OnnxMl.NodeProto> removed = new HashSet<>();
        int counter = 0;
        for (OnnxMl.NodeProto bn : graph.getNodeList()) {
            if (!bn.getOpType().equals("BatchNormalization") || bn.getOutputCount() != 1 || bn.getInputCount() != 5) {
                continue;
            }
            OnnxMl.NodeProto conv = producers.get(bn.getInput(0));
            if (conv == null || !conv.getOpType().equals("Conv") || readers.getOrDefault(conv.getOutput(0), 0) != 1
                    || foldedConvs.containsKey(key(conv))) {
                continue;
            }
            OnnxMl.TensorProto weight = constants.get(conv.getInput(1));
            List<OnnxMl.TensorProto> params = bn.getInputList().subList(1, 5).stream().map(constants::get).toList();
            if (weight == null || params.contains(null) || (conv.getInputCount() > 2 && constants.get(conv.getInput(2)) == null)) {
                continue;
            }
            float epsilon = bn.getAttributeList().stream().filter(a -> a.getName().equals("epsilon")).findFirst()
                    .map(OnnxMl.AttributeProto::getF).orElse(1e-5f);
            float[] gamma = Sparse24Pruner.floats(params.get(0));
            float[] beta = Sparse24Pruner.floats(params.get(1));
            float[] mean = Sparse24Pruner.floats(params.get(2));
            float[] variance = Sparse24Pruner.floats(params.get(3));
            float[] w = Sparse24Pruner.floats(weight);
            int channels = gamma.length;
            int perChannel = w.length / channels;
            float[] bias = conv.getInputCount() > 2 ? Sparse24Pruner.floats(constants.get(conv.getInput(2))) : new float[channels];
            float[] newBias = new float[channels];
            for (int c = 0; c < channels; c++) {
                float factor = (float) (gamma[c] / Math.sqrt(variance[c] + epsilon));
                for (int i = 0; i < perChannel; i++) {
                    w[c * perChannel + i] *= factor;
                }
                newBias[c] = (bias[c] - mean[c]) * factor + beta[c];
            }
            String prefix = "bnfold_" + counter++ + "_";
            newConstants.put(prefix + "w", OnnxNodes.floats(w, weight.getDimsList().stream().mapToLong(Long::longValue).toArray()));
            newConstants.put(prefix + "b", OnnxNodes.floats(newBias, channels));
            OnnxMl.NodeProto.Builder rewritten = conv.toBuilder().clearInput().addInput(conv.getInput(0))
                    .addInput(prefix + "w").addInput(prefix + "b").setOutput(0, bn.getOutput(0));
            foldedConvs.put(key(conv), rewritten.build());
            removed.add(bn);
        }
        OnnxMl.GraphProto.Builder folded = graph.toBuilder().clearNode();
        for (OnnxMl.NodeProto node : graph.getNodeList()) {
            if (removed.contains(node)) {
                continue;
            }
            OnnxMl.NodeProto replacement = foldedConvs.get(key(node));
            if (replacement != null) {
                folded.addNode(OnnxNodes.constant(replacement.getInput(1), newConstants.get(replacement.getInput(1))));
                folded.addNode(OnnxNodes.constant(replacement.getInput(2), newConstants.get(replacement.getInput(2))));
                folded.addNode(replacement);
            } else {
                folded.addNode(node);
            }
        }
        return new Result(model.toBuilder().setGraph(OnnxNodes.withoutUnusedConstants(folded.build())).build(), removed.size());
    }

    /** Nodes are identified by their first output, which is unique in a graph. */
    private static String key(OnnxMl.NodeProto node) {
        return node.getOpType() + ":" + (node.getOutputCount() > 0 ? node.getOutput(0) : node.getName());
    }
}
