package io.flinkinference.tools.setup;

import io.flinkinference.modelstore.manifest.Preprocessing;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * How a PyTorch model becomes ONNX: the input's name and example shape, its dynamic axes (the
 * batch always), the output names (empty: output, or output0, output1, ...) and the opset.
 * Recorded in the lineage so that a fine-tuned variant is exported exactly as its parent was.
 */
record ExportSpec(String inputName, List<Long> inputShape, Map<Integer, String> dynamicAxes, List<String> outputNames,
        int opset) {
    /**
     * The highest opset torch 1.13's exporter (Debian 12's python3-torch) writes; ONNX Runtime 1.23
     * reads up to 23 and TensorRT 10's ONNX parser the opsets {@link InspectCommand} accepts, 17 included.
     */
    static final int DEFAULT_OPSET = 17;
    static final String BATCH = "batch";

    static final String INPUT_NAME = "export.inputName";
    static final String INPUT_SHAPE = "export.inputShape";
    static final String DYNAMIC_AXES = "export.dynamicAxes";
    static final String OUTPUT_NAMES = "export.outputNames";
    static final String OPSET = "onnx.opset";

    ExportSpec {
        inputShape = List.copyOf(inputShape);
        dynamicAxes = new TreeMap<>(dynamicAxes);
        outputNames = List.copyOf(outputNames);
        if (opset < InspectCommand.MIN_OPSET || opset > InspectCommand.MAX_OPSET) {
            throw new IllegalArgumentException("--opset " + opset + " is outside " + InspectCommand.MIN_OPSET + ".."
                    + InspectCommand.MAX_OPSET + ", the opsets both ONNX Runtime and TensorRT read.");
        }
        for (int axis : dynamicAxes.keySet()) {
            if (axis < 0 || axis >= inputShape.size()) {
                throw new IllegalArgumentException("Dynamic axis " + axis + " is outside the input's " + inputShape.size()
                        + " axes " + inputShape + ".");
            }
        }
    }

    /**
     * @param shape the example input shape ("1x3x224x224"), or null to take it from the preprocessing
     * @param extraDynamicAxes "AXIS=NAME" entries besides the batch (axis 0)
     */
    static ExportSpec of(String inputName, String shape, Preprocessing preprocessing, List<String> extraDynamicAxes,
            List<String> outputNames, int opset) {
        List<Long> inputShape = shape != null ? parseShape(shape) : fromPreprocessing(preprocessing);
        Map<Integer, String> axes = new LinkedHashMap<>();
        axes.put(0, BATCH);
        for (String entry : extraDynamicAxes) {
            String[] parts = entry.split("=", 2);
            if (parts.length != 2 || parts[1].isBlank()) {
                throw new IllegalArgumentException("--dynamic-axis takes AXIS=NAME, e.g. 3=width, not '" + entry + "'.");
            }
            axes.put(Integer.parseInt(parts[0].trim()), parts[1].trim());
        }
        return new ExportSpec(inputName, inputShape, axes, outputNames, opset);
    }

    private static List<Long> fromPreprocessing(Preprocessing pre) {
        if (pre == null) {
            throw new IllegalArgumentException("Give the example input's shape with --input-shape (e.g. 1x3x224x224), "
                    + "or the image size with --size, from which an image model's input shape follows.");
        }
        long channels = pre.channels();
        return pre.layout() == Preprocessing.Layout.NHWC ? List.of(1L, (long) pre.height(), (long) pre.width(), channels)
                : List.of(1L, channels, (long) pre.height(), (long) pre.width());
    }

    static List<Long> parseShape(String shape) {
        try {
            List<Long> dims = Arrays.stream(shape.toLowerCase().split("x")).map(String::trim).map(Long::parseLong).toList();
            if (dims.isEmpty() || dims.stream().anyMatch(d -> d < 1)) {
                throw new NumberFormatException();
            }
            return dims;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("An input shape looks like 1x3x224x224 (positive sizes), not '" + shape + "'.");
        }
    }

    Map<String, Object> json() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("inputName", inputName);
        json.put("inputShape", inputShape);
        Map<String, String> axes = new LinkedHashMap<>();
        dynamicAxes.forEach((axis, name) -> axes.put(Integer.toString(axis), name));
        json.put("dynamicAxes", axes);
        json.put("outputNames", outputNames);
        json.put("opset", opset);
        return json;
    }

    boolean batchIsDynamic() {
        return dynamicAxes.containsKey(0);
    }

    /** The lineage attributes; {@code actualOutputNames} are the names the export gave. */
    Map<String, String> lineage(List<String> actualOutputNames) {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put(INPUT_NAME, inputName);
        facts.put(INPUT_SHAPE, inputShape.stream().map(String::valueOf).collect(Collectors.joining("x")));
        facts.put(DYNAMIC_AXES, dynamicAxes.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(",")));
        facts.put(OUTPUT_NAMES, String.join(",", actualOutputNames));
        facts.put(OPSET, Integer.toString(opset));
        return facts;
    }

    static ExportSpec fromLineage(String model, Map<String, String> attributes) {
        for (String key : List.of(INPUT_NAME, INPUT_SHAPE, DYNAMIC_AXES, OUTPUT_NAMES, OPSET)) {
            if (!attributes.containsKey(key)) {
                throw new IllegalArgumentException(model + "'s lineage lacks " + key + ", which 'setup export' records; "
                        + "export the model again.");
            }
        }
        Map<Integer, String> axes = new LinkedHashMap<>();
        for (String entry : attributes.get(DYNAMIC_AXES).split(",")) {
            if (!entry.isBlank()) {
                String[] parts = entry.split("=", 2);
                axes.put(Integer.parseInt(parts[0]), parts[1]);
            }
        }
        return new ExportSpec(attributes.get(INPUT_NAME), parseShape(attributes.get(INPUT_SHAPE)), axes,
                List.of(attributes.get(OUTPUT_NAMES).split(",")), Integer.parseInt(attributes.get(OPSET)));
    }
}
