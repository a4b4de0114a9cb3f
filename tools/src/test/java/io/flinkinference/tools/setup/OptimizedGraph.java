package io.flinkinference.tools.setup;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The graph ONNX Runtime actually runs on the CPU, as it writes it out after its optimizations
 * (the engine's default level, ALL): which QDQ groups became int8 kernels is read here, not
 * assumed from the QDQ file.
 */
record OptimizedGraph(OnnxMl.GraphProto graph) {
    static OptimizedGraph of(byte[] model, Path folder) throws Exception {
        Path written = folder.resolve("optimized-" + System.nanoTime() + ".onnx");
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setOptimizedModelFilePath(written.toString());
            try (OrtSession session = OrtEnvironment.getEnvironment().createSession(model, options)) {
                // Creating the session is what writes the optimized model.
            }
        }
        return new OptimizedGraph(OnnxMl.ModelProto.parseFrom(Files.readAllBytes(written)).getGraph());
    }

    /** Op types, as domain:type for contrib ops (com.microsoft:QLinearConv), with their counts. */
    Map<String, Integer> opCounts() {
        Map<String, Integer> counts = new TreeMap<>();
        for (OnnxMl.NodeProto node : graph.getNodeList()) {
            counts.merge(node.getDomain().isEmpty() ? node.getOpType() : node.getDomain() + ":" + node.getOpType(), 1, Integer::sum);
        }
        return counts;
    }

    int count(String opType) {
        return opCounts().getOrDefault(opType, 0);
    }

    /** QuantizeLinear -> DequantizeLinear pairs left as operators of their own: a round trip that buys nothing. */
    long standaloneQdqPairs() {
        Map<String, OnnxMl.NodeProto> producers = new java.util.HashMap<>();
        graph.getNodeList().forEach(n -> n.getOutputList().forEach(o -> producers.put(o, n)));
        return graph.getNodeList().stream().filter(n -> n.getOpType().equals("DequantizeLinear"))
                .map(n -> producers.get(n.getInput(0)))
                .filter(p -> p != null && p.getOpType().equals("QuantizeLinear")).count();
    }
}
