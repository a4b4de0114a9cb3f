package io.flinkinference.engine.tensorrt.plan;

import org.bytedeco.tensorrt.global.nvinfer.DataType;
import org.bytedeco.tensorrt.global.nvinfer.ElementWiseOperation;
import org.bytedeco.tensorrt.global.nvinfer.LayerType;
import org.bytedeco.tensorrt.nvinfer.IElementWiseLayer;
import org.bytedeco.tensorrt.nvinfer.ILayer;
import org.bytedeco.tensorrt.nvinfer.INetworkDefinition;

/**
 * In a network that may run in FP16, pins the layers a layer normalization is made of before ONNX
 * opset 17 (reductions and powers: the mean of squares) to FP32. In FP16 their sums of squares
 * overflow, and TensorRT itself warns of it ("Running layernorm after self-attention with FP16
 * Reduce or Pow may cause overflow"): the recognizer's FP16 plan read different text than its
 * parent on 7.5% of lines with them in FP16. Everything else may still run in FP16.
 *
 * <p>Enums that come back from JavaCPP are not the canonical constants, so they are compared by
 * {@code value}.
 */
final class Float32Normalization {
    private Float32Normalization() {}

    /** Returns how many layers were pinned to FP32; the builder must prefer precision constraints for them to hold. */
    static int pin(INetworkDefinition network) {
        int pinned = 0;
        for (int i = 0; i < network.getNbLayers(); i++) {
            ILayer layer = network.getLayer(i);
            if (overflowsInHalfPrecision(layer)) {
                layer.setPrecision(DataType.kFLOAT);
                for (int output = 0; output < layer.getNbOutputs(); output++) {
                    layer.setOutputType(output, DataType.kFLOAT);
                }
                pinned++;
            }
        }
        return pinned;
    }

    private static boolean overflowsInHalfPrecision(ILayer layer) {
        int type = layer.getType().value;
        if (type == LayerType.kREDUCE.value) {
            return true;
        }
        return type == LayerType.kELEMENTWISE.value
                && new IElementWiseLayer(layer).getOperation().value == ElementWiseOperation.kPOW.value;
    }
}
