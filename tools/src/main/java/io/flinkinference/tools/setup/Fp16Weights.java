package io.flinkinference.tools.setup;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.platform.Fp16Conversions;
import com.google.protobuf.ByteString;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;

/**
 * The weights-in-FP16 variant of a model: every float32 weight tensor (initializer or Constant
 * node, more than one element) is stored as float16 and cast back to float32 where it is used.
 * The graph still computes in float32, so any runtime runs it; the file is about half the size,
 * and TensorRT folds the casts and can run the weights in FP16. Scalars stay float32, since they
 * are often exact constants (clip bounds, epsilons).
 */
public final class Fp16Weights {
    public static final String TRANSFORM = "fp16-weights";
    private static final String SUFFIX = "__fp16";

    private Fp16Weights() {}

    /** The converted model and how many tensors and values were converted. */
    public record Result(OnnxMl.ModelProto model, int tensors, long values) {}

    public static Result convert(OnnxMl.ModelProto model) {
        OnnxMl.GraphProto graph = model.getGraph();
        OnnxMl.GraphProto.Builder rewritten = graph.toBuilder().clearNode().clearInitializer();
        int tensors = 0;
        long values = 0;

        // Initializers: store as float16 under a new name, and cast back at the top of the graph.
        for (OnnxMl.TensorProto initializer : graph.getInitializerList()) {
            if (convertible(initializer)) {
                rewritten.addInitializer(toHalf(initializer, initializer.getName() + SUFFIX));
                rewritten.addNode(cast(initializer.getName() + SUFFIX, initializer.getName()));
                tensors++;
                values += count(initializer);
            } else {
                rewritten.addInitializer(initializer);
            }
        }
        for (OnnxMl.NodeProto node : graph.getNodeList()) {
            OnnxMl.TensorProto value = node.getOpType().equals("Constant") ? constantValue(node) : null;
            if (value != null && convertible(value)) {
                String output = node.getOutput(0);
                OnnxMl.NodeProto.Builder half = node.toBuilder().clearAttribute().setOutput(0, output + SUFFIX);
                for (OnnxMl.AttributeProto attribute : node.getAttributeList()) {
                    half.addAttribute(attribute.hasT()
                            ? attribute.toBuilder().setT(toHalf(attribute.getT(), attribute.getT().getName())).build()
                            : attribute);
                }
                rewritten.addNode(half.build());
                rewritten.addNode(cast(output + SUFFIX, output));
                tensors++;
                values += count(value);
            } else {
                rewritten.addNode(node);
            }
        }
        return new Result(model.toBuilder().setGraph(rewritten).build(), tensors, values);
    }

    private static OnnxMl.TensorProto constantValue(OnnxMl.NodeProto node) {
        for (OnnxMl.AttributeProto attribute : node.getAttributeList()) {
            if (attribute.getName().equals("value") && attribute.hasT()) {
                return attribute.getT();
            }
        }
        return null;
    }

    private static boolean convertible(OnnxMl.TensorProto tensor) {
        return tensor.getDataType() == OnnxMl.TensorProto.DataType.FLOAT.getNumber()
                && tensor.getDataLocation() != OnnxMl.TensorProto.DataLocation.EXTERNAL
                && count(tensor) > 1;
    }

    private static long count(OnnxMl.TensorProto tensor) {
        long count = 1;
        for (long dim : tensor.getDimsList()) {
            count *= dim;
        }
        return count;
    }

    private static OnnxMl.TensorProto toHalf(OnnxMl.TensorProto tensor, String name) {
        FloatBuffer floats;
        if (!tensor.getRawData().isEmpty()) {
            floats = tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        } else {
            floats = FloatBuffer.allocate(tensor.getFloatDataCount());
            tensor.getFloatDataList().forEach(floats::put);
            floats.flip();
        }
        // ONNX Runtime's conversion rounds to nearest even, keeps subnormals and overflows to
        // infinity (on Java 17 through its own MLAS port, later through Float.floatToFloat16).
        ShortBuffer halves = Fp16Conversions.convertFloatBufferToFp16Buffer(floats);
        ByteBuffer half = ByteBuffer.allocate(halves.remaining() * 2).order(ByteOrder.LITTLE_ENDIAN);
        half.asShortBuffer().put(halves);
        return tensor.toBuilder()
                .setName(name)
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT16.getNumber())
                .clearFloatData()
                .setRawData(ByteString.copyFrom(half))
                .build();
    }

    private static OnnxMl.NodeProto cast(String from, String to) {
        return OnnxMl.NodeProto.newBuilder()
                .setOpType("Cast")
                .setName(to + "_cast_to_float")
                .addInput(from)
                .addOutput(to)
                .addAttribute(OnnxMl.AttributeProto.newBuilder()
                        .setName("to")
                        .setType(OnnxMl.AttributeProto.AttributeType.INT)
                        .setI(OnnxMl.TensorProto.DataType.FLOAT.getNumber()))
                .build();
    }
}
