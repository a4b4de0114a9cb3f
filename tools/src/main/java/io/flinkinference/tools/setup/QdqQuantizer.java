package io.flinkinference.tools.setup;

import ai.onnx.proto.OnnxMl;
import io.flinkinference.modelstore.manifest.DataType;
import io.flinkinference.modelstore.manifest.TensorSpec;
import io.flinkinference.modelstore.onnx.OnnxModelInfo;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.operators.engine.Tensor;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * Static INT8 quantization as explicit QDQ ONNX, in the form the engine that runs it fuses: ONNX
 * Runtime's CPU kernels, or TensorRT's explicit-quantization path ({@link Target}).
 *
 * <p>Conv, MatMul and Gemm nodes with constant weights are quantized: weights per output channel
 * (symmetric int8, DequantizeLinear with an axis) and activations per tensor, with ranges
 * calibrated on ONNX Runtime over sample inputs: the extremes seen (min-max) or high percentiles,
 * which ignore rare outliers. Each activation gets one QuantizeLinear/DequantizeLinear pair right
 * after its producer, read by all its consumers, so two quantized nodes in a row share it and no
 * Q -> DQ pair of their own stands between them. Models below opset 13 are first moved to it
 * ({@link OpsetUpgrade}), and BatchNormalization is folded into the Conv before it
 * ({@link BatchNormFolding}).
 */
public final class QdqQuantizer {
    public static final String TRANSFORM = "int8-qdq";
    private static final Set<String> QUANTIZED = Set.of("Conv", "MatMul", "Gemm");
    /** Values per activation and batch kept for the percentile: enough for 99.99 to mean something, few enough to sort. */
    private static final int SAMPLED_VALUES = 16384;
    private static final long SAMPLING_SEED = 5L;

    /** How activation ranges are taken from the calibration samples. */
    public enum Calibration {
        MINMAX,
        PERCENTILE
    }

    /**
     * The engine the QDQ model is for.
     *
     * <p>{@code ONNX_RUNTIME}, its CPU kernels: activations uint8 with a zero point over their
     * calibrated range (x86's u8 x s8 integer products), int32 biases at the input scale times the
     * weight scale (ONNX Runtime fuses DequantizeLinear -> Conv -> QuantizeLinear into QLinearConv
     * only with them), a Conv's output quantized (QLinearConv writes uint8), a MatMul's or Gemm's
     * output left in float unless another quantized node reads it (ONNX Runtime runs DQ -> MatMul
     * as MatMulIntegerToFloat: a QuantizeLinear there would stand alone in front of float code),
     * depthwise convolutions left in float (see {@code eligible}), and float readers of a tensor a
     * float node wrote reading it unquantized (see {@code readsDequantized}).
     *
     * <p>{@code TENSORRT}: symmetric int8 everywhere (zero point 0, as its explicit quantization
     * requires), every quantized node's input and output activation quantized, biases in float:
     * its ONNX parser refuses an int32 DequantizeLinear ("input has type Int32 but must have type
     * FP8, Int4, or Int8", seen on the H200 with TensorRT 10.6).
     */
    public enum Target {
        ONNX_RUNTIME,
        TENSORRT
    }

    /** The quantized model, and what was done. */
    public record Result(OnnxMl.ModelProto model, int quantizedNodes, int activations, long opsetBefore, int foldedBatchNorms,
            List<String> keptInFloat) {}

    private QdqQuantizer() {}

    /**
     * A model made ready for quantization (opset 13, BatchNormalization folded) with the
     * activation ranges of every quantizable node, so that variants excluding some nodes are
     * written without calibrating again.
     */
    public static final class Calibrated {
        private final OnnxMl.ModelProto model;
        private final List<OnnxMl.NodeProto> targets;
        private final Map<String, OnnxMl.TensorProto> constants;
        private final Map<String, ActivationRange> ranges;
        private final long opsetBefore;
        private final int foldedBatchNorms;

        private Calibrated(OnnxMl.ModelProto model, List<OnnxMl.NodeProto> targets, Map<String, OnnxMl.TensorProto> constants,
                Map<String, ActivationRange> ranges, long opsetBefore, int foldedBatchNorms) {
            this.model = model;
            this.targets = targets;
            this.constants = constants;
            this.ranges = ranges;
            this.opsetBefore = opsetBefore;
            this.foldedBatchNorms = foldedBatchNorms;
        }

        /** The nodes quantized for {@code target}, by their first output (the name used to exclude them). */
        public List<String> nodes(Target target) {
            return eligible(target).stream().map(n -> n.getOutput(0)).toList();
        }

        /** The QDQ model for ONNX Runtime with every quantizable node quantized except {@code excluded}. */
        public Result quantize(Set<String> excluded) {
            return quantize(excluded, Target.ONNX_RUNTIME);
        }

        /**
         * ONNX Runtime's CPU form leaves depthwise convolutions in float: one does K x K multiply-adds per
         * output value, so it is bound by memory, not arithmetic, and int8 gains it little, while its
         * own QuantizeLinear and DequantizeLinear would each add a pass over an activation the float
         * operators around it (hard-swish) must read in float anyway. Measured on the classifier, side by
         * side on 2 cores: 0.62x FP32 at batch 8 with them in INT8, 0.78x without (docs/BENCHMARKS.md).
         */
        private List<OnnxMl.NodeProto> eligible(Target target) {
            return target == Target.TENSORRT ? targets : targets.stream().filter(n -> !isDepthwise(n, constants)).toList();
        }

        /** The QDQ model for {@code target} with every node it quantizes quantized except {@code excluded}. */
        public Result quantize(Set<String> excluded, Target target) {
            List<OnnxMl.NodeProto> included = eligible(target).stream().filter(n -> !excluded.contains(n.getOutput(0))).toList();
            Map<String, ActivationRange> used = new LinkedHashMap<>();
            for (OnnxMl.NodeProto node : included) {
                used.put(node.getInput(0), ranges.get(node.getInput(0)));
                if (target == Target.TENSORRT || node.getOpType().equals("Conv")) {
                    used.put(node.getOutput(0), ranges.get(node.getOutput(0)));
                }
            }
            return new Result(rewrite(model, included, constants, used, target), included.size(), used.size(), opsetBefore,
                    foldedBatchNorms, List.copyOf(excluded));
        }
    }

    public static Calibrated calibrate(OnnxMl.ModelProto original, List<TensorSpec> inputs, List<Map<String, Tensor>> calibration,
            Calibration method, double percentile, IntConsumer progress) {
        long opset = OnnxModelInfo.parse(original.toByteArray(), "model").opset();
        BatchNormFolding.Result folded = BatchNormFolding.fold(OpsetUpgrade.toOpset13(original, opset));
        OnnxMl.ModelProto model = folded.model();
        OnnxMl.GraphProto graph = model.getGraph();

        Map<String, OnnxMl.TensorProto> constants = constants(graph);
        List<OnnxMl.NodeProto> targets = new ArrayList<>();
        Set<String> activations = new LinkedHashSet<>();
        for (OnnxMl.NodeProto node : graph.getNodeList()) {
            if (QUANTIZED.contains(node.getOpType()) && node.getInputCount() >= 2 && isFloatConstant(constants.get(node.getInput(1)))
                    && !constants.containsKey(node.getInput(0))) {
                targets.add(node);
                activations.add(node.getInput(0));
                activations.add(node.getOutput(0));
            }
        }
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("The model has no Conv, MatMul or Gemm with constant weights: nothing to quantize.");
        }
        Map<String, ActivationRange> ranges = measureRanges(model, inputs, activations, calibration, method, percentile, progress);
        return new Calibrated(model, targets, constants, ranges, opset, folded.folded());
    }

    /** Runs the model with every activation of interest as an extra output and records their ranges. */
    private static Map<String, ActivationRange> measureRanges(OnnxMl.ModelProto model, List<TensorSpec> inputs, Set<String> activations,
            List<Map<String, Tensor>> batches, Calibration method, double percentile, IntConsumer progress) {
        if (batches.isEmpty()) {
            throw new IllegalArgumentException("The calibration set is empty: give sample images to calibrate with.");
        }
        OnnxMl.GraphProto.Builder probe = model.getGraph().toBuilder();
        Set<String> outputs = new LinkedHashSet<>();
        model.getGraph().getOutputList().forEach(o -> outputs.add(o.getName()));
        for (String activation : activations) {
            if (outputs.add(activation)) {
                probe.addOutput(OnnxMl.ValueInfoProto.newBuilder().setName(activation)
                        .setType(OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                                .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()))));
            }
        }
        byte[] probed = model.toBuilder().setGraph(probe).build().toByteArray();
        // The probe declares the activations as the outputs it reads, so that any engine returns them; their
        // shapes are whatever each batch gives (no dimensions declared).
        List<TensorSpec> probedOutputs = activations.stream()
                .map(a -> new TensorSpec(a, DataType.FLOAT32, List.of(), null)).toList();
        Map<String, List<float[]>> samples = new HashMap<>();
        Map<String, Float> minima = new HashMap<>();
        Map<String, Float> maxima = new HashMap<>();
        int seen = 0;
        java.util.Random positions = new java.util.Random(SAMPLING_SEED);
        try (InferenceEngine engine = CandidateEngines.openCandidate("calibration probe", probed, inputs, probedOutputs)) {
            for (Map<String, Tensor> batch : batches) {
                Map<String, Tensor> values = engine.infer(batch);
                for (String activation : activations) {
                    FloatBuffer data = values.get(activation).floats();
                    float min = 0;
                    float max = 0;
                    float[] sample = new float[Math.min(data.capacity(), SAMPLED_VALUES)];
                    for (int i = 0; i < data.capacity(); i++) {
                        min = Math.min(min, data.get(i));
                        max = Math.max(max, data.get(i));
                    }
                    // Positions drawn at random, not every k-th: a fixed stride over an NCHW tensor can
                    // keep landing on the same few channels and miss one that is always large (it did on the
                    // recognizer's squeeze-excite outputs, clipping them to a sixth of their range).
                    for (int i = 0; i < sample.length; i++) {
                        sample[i] = data.get(positions.nextInt(data.capacity()));
                    }
                    minima.merge(activation, min, Math::min);
                    maxima.merge(activation, max, Math::max);
                    samples.computeIfAbsent(activation, k -> new ArrayList<>()).add(sample);
                }
                seen += (int) batch.values().iterator().next().dim(0);
                progress.accept(seen);
            }
        }
        Map<String, ActivationRange> ranges = new LinkedHashMap<>();
        for (String activation : activations) {
            ranges.put(activation, method == Calibration.MINMAX
                    ? new ActivationRange(minima.get(activation), maxima.get(activation),
                            Math.max(-minima.get(activation), maxima.get(activation)))
                    : percentiles(samples.get(activation), percentile));
        }
        return ranges;
    }

    /** Both tails cut at the same share for the uint8 form, and the magnitudes' percentile for the symmetric one. */
    private static ActivationRange percentiles(List<float[]> samples, double percentile) {
        int total = samples.stream().mapToInt(s -> s.length).sum();
        float[] all = new float[total];
        int offset = 0;
        for (float[] sample : samples) {
            System.arraycopy(sample, 0, all, offset, sample.length);
            offset += sample.length;
        }
        float[] magnitudes = new float[total];
        for (int i = 0; i < total; i++) {
            magnitudes[i] = Math.abs(all[i]);
        }
        Arrays.sort(all);
        Arrays.sort(magnitudes);
        int high = (int) Math.min(all.length - 1, Math.floor(percentile / 100.0 * all.length));
        return new ActivationRange(all[all.length - 1 - high], all[high], magnitudes[high]);
    }

    private static OnnxMl.ModelProto rewrite(OnnxMl.ModelProto model, List<OnnxMl.NodeProto> targets,
            Map<String, OnnxMl.TensorProto> constants, Map<String, ActivationRange> ranges, Target target) {
        OnnxMl.GraphProto graph = model.getGraph();

        // Weights and biases of the quantized nodes: replaced where their Constant (or initializer) stood.
        Map<String, List<OnnxMl.NodeProto>> replacements = new HashMap<>();
        for (OnnxMl.NodeProto node : targets) {
            int axis = node.getOpType().equals("MatMul") ? 1 : node.getOpType().equals("Gemm") && !transB(node) ? 1 : 0;
            String weight = node.getInput(1);
            float[] weightScales = quantizeWeight(weight, constants.get(weight), axis, replacements);
            if (target == Target.ONNX_RUNTIME && !node.getOpType().equals("MatMul") && node.getInputCount() > 2
                    && isFloatConstant(constants.get(node.getInput(2))) && constants.get(node.getInput(2)).getDimsCount() == 1
                    && constants.get(node.getInput(2)).getDims(0) == weightScales.length) {
                float inputScale = ranges.get(node.getInput(0)).uint8Scale();
                quantizeBias(node.getInput(2), constants.get(node.getInput(2)), inputScale, weightScales, replacements);
            }
        }

        // Activations: Q/DQ right after the node (or graph input) that produces them; readers take the DQ output
        // as readsDequantized says.
        Set<String> quantized = new HashSet<>();
        Set<String> convOutputs = new HashSet<>();
        for (OnnxMl.NodeProto node : targets) {
            quantized.add(node.getOutput(0));
            if (node.getOpType().equals("Conv")) {
                convOutputs.add(node.getOutput(0));
            }
        }
        Map<String, String> dequantized = new HashMap<>();
        ranges.keySet().forEach(a -> dequantized.put(a, a + "_dq"));
        OnnxMl.GraphProto.Builder rewritten = graph.toBuilder().clearNode().clearInitializer();
        for (OnnxMl.TensorProto initializer : graph.getInitializerList()) {
            if (!replacements.containsKey(initializer.getName())) {
                rewritten.addInitializer(initializer);
            }
        }
        graph.getInitializerList().stream().filter(i -> replacements.containsKey(i.getName()))
                .forEach(i -> replacements.get(i.getName()).forEach(rewritten::addNode));
        for (OnnxMl.ValueInfoProto input : graph.getInputList()) {
            if (ranges.containsKey(input.getName())) {
                addQdq(input.getName(), ranges.get(input.getName()), target, rewritten);
            }
        }
        for (OnnxMl.NodeProto node : graph.getNodeList()) {
            if (node.getOpType().equals("Constant") && replacements.containsKey(node.getOutput(0))) {
                replacements.get(node.getOutput(0)).forEach(rewritten::addNode);
                continue;
            }
            OnnxMl.NodeProto.Builder reader = node.toBuilder();
            for (int i = 0; i < node.getInputCount(); i++) {
                String replacement = dequantized.get(node.getInput(i));
                if (replacement != null && readsDequantized(target, node, node.getInput(i), quantized, convOutputs)) {
                    reader.setInput(i, replacement);
                }
            }
            rewritten.addNode(reader.build());
            for (String output : node.getOutputList()) {
                if (ranges.containsKey(output)) {
                    addQdq(output, ranges.get(output), target, rewritten);
                }
            }
        }
        // Graph outputs keep reading the float tensors their producers write; only inner readers take the DQ output.
        return model.toBuilder().setGraph(rewritten).build();
    }

    /**
     * Whether {@code reader} takes the dequantized {@code tensor} rather than the float one. For
     * TensorRT every reader does (its explicit quantization wants the Q/DQ on every edge). On ONNX
     * Runtime's CPU kernels a float reader of a tensor that a float node wrote keeps the float
     * tensor: through the DQ it would cost a pass of its own and a rounding (the recognizer's Shape
     * of a LayerNorm output whose MatMul is quantized, three such). A quantized Conv's output exists
     * only as uint8 once ONNX Runtime has fused the QuantizeLinear into QLinearConv, so its readers
     * all take the DQ.
     */
    private static boolean readsDequantized(Target target, OnnxMl.NodeProto reader, String tensor, Set<String> quantized,
            Set<String> convOutputs) {
        return target == Target.TENSORRT || quantized.contains(reader.getOutput(0)) || convOutputs.contains(tensor);
    }

    private static void addQdq(String tensor, ActivationRange range, Target target, OnnxMl.GraphProto.Builder graph) {
        if (target == Target.TENSORRT) {
            graph.addNode(OnnxNodes.constant(tensor + "_scale", OnnxNodes.floats(new float[] {range.symmetricInt8Scale()})));
            graph.addNode(OnnxNodes.constant(tensor + "_zero", OnnxNodes.int8s(new byte[] {0})));
        } else {
            graph.addNode(OnnxNodes.constant(tensor + "_scale", OnnxNodes.floats(new float[] {range.uint8Scale()})));
            graph.addNode(OnnxNodes.constant(tensor + "_zero", OnnxNodes.uint8s(new byte[] {(byte) range.uint8ZeroPoint()})));
        }
        graph.addNode(OnnxNodes.node("QuantizeLinear", tensor + "_quantize",
                new String[] {tensor, tensor + "_scale", tensor + "_zero"}, tensor + "_q", null));
        graph.addNode(OnnxNodes.node("DequantizeLinear", tensor + "_dequantize",
                new String[] {tensor + "_q", tensor + "_scale", tensor + "_zero"}, tensor + "_dq", null));
    }

    /** Per-channel symmetric int8; the DequantizeLinear output keeps the weight's name, so readers are unchanged. */
    private static float[] quantizeWeight(String name, OnnxMl.TensorProto weight, int axis,
            Map<String, List<OnnxMl.NodeProto>> replacements) {
        float[] values = Sparse24Pruner.floats(weight);
        List<Long> shape = weight.getDimsList();
        int channels = shape.get(axis).intValue();
        int inner = 1;
        for (int i = axis + 1; i < shape.size(); i++) {
            inner *= shape.get(i).intValue();
        }
        float[] maxima = new float[channels];
        for (int i = 0; i < values.length; i++) {
            int channel = (i / inner) % channels;
            maxima[channel] = Math.max(maxima[channel], Math.abs(values[i]));
        }
        float[] scales = new float[channels];
        for (int c = 0; c < channels; c++) {
            scales[c] = Math.max(maxima[c], 1e-8f) / 127f;
        }
        byte[] quantized = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            int q = Math.round(values[i] / scales[(i / inner) % channels]);
            quantized[i] = (byte) Math.max(-127, Math.min(127, q));
        }
        long[] dims = shape.stream().mapToLong(Long::longValue).toArray();
        replacements.put(name, List.of(
                OnnxNodes.constant(name + "_int8", OnnxNodes.int8s(quantized, dims)),
                OnnxNodes.constant(name + "_scales", OnnxNodes.floats(scales, channels)),
                OnnxNodes.constant(name + "_zeros", OnnxNodes.int8s(new byte[channels], channels)),
                OnnxNodes.node("DequantizeLinear", name + "_dequantize",
                        new String[] {name + "_int8", name + "_scales", name + "_zeros"}, name, axis)));
        return scales;
    }

    /** int32 at scale (input scale x weight scale per channel), zero point 0, as QLinearConv and QGemm expect. */
    private static void quantizeBias(String name, OnnxMl.TensorProto bias, float inputScale, float[] weightScales,
            Map<String, List<OnnxMl.NodeProto>> replacements) {
        float[] values = Sparse24Pruner.floats(bias);
        float[] scales = new float[values.length];
        int[] quantized = new int[values.length];
        for (int c = 0; c < values.length; c++) {
            scales[c] = inputScale * weightScales[c];
            quantized[c] = Math.round(values[c] / scales[c]);
        }
        replacements.put(name, List.of(
                OnnxNodes.constant(name + "_int32", OnnxNodes.int32s(quantized, values.length)),
                OnnxNodes.constant(name + "_scales", OnnxNodes.floats(scales, values.length)),
                OnnxNodes.constant(name + "_zeros", OnnxNodes.int32s(new int[values.length], values.length)),
                OnnxNodes.node("DequantizeLinear", name + "_dequantize",
                        new String[] {name + "_int32", name + "_scales", name + "_zeros"}, name, 0)));
    }

    /** A Conv with one input channel per group and more than one group. */
    private static boolean isDepthwise(OnnxMl.NodeProto node, Map<String, OnnxMl.TensorProto> constants) {
        long groups = node.getAttributeList().stream().filter(a -> a.getName().equals("group")).mapToLong(OnnxMl.AttributeProto::getI)
                .findFirst().orElse(1L);
        OnnxMl.TensorProto weight = constants.get(node.getInput(1));
        return node.getOpType().equals("Conv") && groups > 1 && weight.getDimsCount() > 1 && weight.getDims(1) == 1;
    }

    private static boolean transB(OnnxMl.NodeProto node) {
        return node.getAttributeList().stream().anyMatch(a -> a.getName().equals("transB") && a.getI() == 1);
    }

    private static boolean isFloatConstant(OnnxMl.TensorProto tensor) {
        return tensor != null && tensor.getDataType() == OnnxMl.TensorProto.DataType.FLOAT.getNumber() && tensor.getDimsCount() >= 1;
    }

    private static Map<String, OnnxMl.TensorProto> constants(OnnxMl.GraphProto graph) {
        Map<String, OnnxMl.TensorProto> constants = new HashMap<>();
        graph.getInitializerList().forEach(t -> constants.put(t.getName(), t));
        for (OnnxMl.NodeProto node : graph.getNodeList()) {
            if (node.getOpType().equals("Constant") && node.getAttributeCount() > 0 && node.getAttribute(0).hasT()) {
                constants.put(node.getOutput(0), node.getAttribute(0).getT());
            }
        }
        return constants;
    }
}
