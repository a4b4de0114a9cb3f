package io.flinkinference.modelstore.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.InvalidProtocolBufferException;
import io.flinkinference.modelstore.manifest.DataType;
import io.flinkinference.modelstore.manifest.TensorSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What an ONNX file declares, read from its protobuf without loading a native runtime: opset,
 * graph inputs and outputs (with dynamic dimensions and their names), parameter count, the
 * operator histogram and the external data files the weights live in, if any. Used to write manifests on import and by the setup job's inspection.
 */
public record OnnxModelInfo(
        long opset,
        String producer,
        List<TensorSpec> inputs,
        List<TensorSpec> outputs,
        long parameterCount,
        Map<String, Integer> operatorHistogram,
        long sizeBytes,
        List<String> externalDataFiles) {

    /** Parses an ONNX file; a truncated or non-ONNX file is an {@link InvalidOnnxModelException}. */
    public static OnnxModelInfo read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        return parse(bytes, file.toString());
    }

    public static OnnxModelInfo parse(byte[] bytes, String where) {
        OnnxMl.ModelProto model;
        try {
            model = OnnxMl.ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidOnnxModelException(
                    where + " is not a readable ONNX model (truncated or not ONNX): " + e.getMessage(), e);
        }
        if (!model.hasGraph() || model.getGraph().getOutputCount() == 0) {
            throw new InvalidOnnxModelException(where + " holds no ONNX graph with outputs.");
        }
        OnnxMl.GraphProto graph = model.getGraph();
        long opset = model.getOpsetImportList().stream()
                .filter(o -> o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
                .mapToLong(OnnxMl.OperatorSetIdProto::getVersion)
                .max()
                .orElse(0);

        // Older exporters list weights among the graph inputs too; those are not model inputs.
        Set<String> initializers = new HashSet<>();
        Set<String> external = new java.util.TreeSet<>();
        long parameters = 0;
        for (OnnxMl.TensorProto init : graph.getInitializerList()) {
            initializers.add(init.getName());
            parameters += elements(init);
            external.addAll(externalLocation(init));
        }
        List<TensorSpec> inputs = new ArrayList<>();
        for (OnnxMl.ValueInfoProto value : graph.getInputList()) {
            if (!initializers.contains(value.getName())) {
                inputs.add(toSpec(value, where));
            }
        }
        List<TensorSpec> outputs = new ArrayList<>();
        for (OnnxMl.ValueInfoProto value : graph.getOutputList()) {
            outputs.add(toSpec(value, where));
        }
        Map<String, Integer> histogram = new TreeMap<>();
        for (OnnxMl.NodeProto node : graph.getNodeList()) {
            histogram.merge(node.getOpType(), 1, Integer::sum);
            if (node.getOpType().equals("Constant")) {
                // Some exporters (paddle2onnx among them) keep the weights in Constant nodes, not initializers.
                for (OnnxMl.AttributeProto attribute : node.getAttributeList()) {
                    if (attribute.hasT()) {
                        parameters += elements(attribute.getT());
                        external.addAll(externalLocation(attribute.getT()));
                    }
                }
            }
        }
        return new OnnxModelInfo(opset, model.getProducerName(), inputs, outputs, parameters,
                histogram, bytes.length, List.copyOf(external));
    }

    /** The file a tensor's data lives in when it is stored outside the model (ONNX external data). */
    private static List<String> externalLocation(OnnxMl.TensorProto tensor) {
        if (tensor.getDataLocation() != OnnxMl.TensorProto.DataLocation.EXTERNAL) {
            return List.of();
        }
        return tensor.getExternalDataList().stream().filter(e -> e.getKey().equals("location"))
                .map(OnnxMl.StringStringEntryProto::getValue).toList();
    }

    private static long elements(OnnxMl.TensorProto tensor) {
        long count = 1;
        for (long dim : tensor.getDimsList()) {
            count *= dim;
        }
        return count;
    }

    private static TensorSpec toSpec(OnnxMl.ValueInfoProto value, String where) {
        if (!value.getType().hasTensorType()) {
            throw new InvalidOnnxModelException(
                    where + ": '" + value.getName() + "' is not a tensor; only tensor inputs and outputs are supported.");
        }
        OnnxMl.TypeProto.Tensor tensor = value.getType().getTensorType();
        List<Long> shape = new ArrayList<>();
        List<String> dimNames = new ArrayList<>();
        for (OnnxMl.TensorShapeProto.Dimension dim : tensor.getShape().getDimList()) {
            boolean fixed = dim.hasDimValue() && dim.getDimValue() > 0;
            shape.add(fixed ? dim.getDimValue() : TensorSpec.DYNAMIC);
            dimNames.add(dim.hasDimParam() && !dim.getDimParam().isEmpty() ? dim.getDimParam() : null);
        }
        return new TensorSpec(value.getName(), dataType(tensor.getElemType(), value.getName(), where), shape, dimNames);
    }

    /** Maps ONNX's TensorProto.DataType numbers to ours. */
    static DataType dataType(int onnxType, String tensor, String where) {
        return switch (onnxType) {
            case 1 -> DataType.FLOAT32;
            case 2 -> DataType.UINT8;
            case 3 -> DataType.INT8;
            case 6 -> DataType.INT32;
            case 7 -> DataType.INT64;
            case 9 -> DataType.BOOL;
            case 10 -> DataType.FLOAT16;
            case 11 -> DataType.FLOAT64;
            case 16 -> DataType.BFLOAT16;
            default -> throw new InvalidOnnxModelException(
                    where + ": tensor '" + tensor + "' has ONNX element type " + onnxType
                            + ", which flink-inference does not support.");
        };
    }

    /** The file is not an ONNX model this project can describe. */
    public static final class InvalidOnnxModelException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public InvalidOnnxModelException(String message) {
            super(message);
        }

        public InvalidOnnxModelException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
