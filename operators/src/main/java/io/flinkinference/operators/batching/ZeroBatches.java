package io.flinkinference.operators.batching;

import io.flinkinference.modelstore.manifest.Preprocessing;
import io.flinkinference.modelstore.manifest.TensorSpec;
import io.flinkinference.operators.engine.ExecutionContext;
import io.flinkinference.operators.engine.Tensor;
import io.flinkinference.operators.translate.ImagePreprocessor;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Zeroed batches of the shapes the job feeds the engine: the model's inputs, with a dynamic
 * dimension other than the batch taken from the manifest's preprocessing (a recognizer's line
 * width, a detector's page). Zeros rather than what staging memory held before: leftover bytes
 * can be NaNs or denormals, which some CPU kernels run far slower on, and the timing would then
 * not be the engine's.
 */
public final class ZeroBatches implements ProbeBatches {
    private final Map<String, TensorSpec> inputs = new LinkedHashMap<>();
    private final Map<String, long[]> rowShapes = new LinkedHashMap<>();

    /**
     * @param preprocessing the manifest's, or null when it has none
     * @throws IllegalArgumentException naming the input whose shape cannot be known before records come
     */
    public ZeroBatches(List<TensorSpec> inputs, Preprocessing preprocessing) {
        for (TensorSpec input : inputs) {
            long[] shape = input.shapeArray();
            long[] fed = preprocessing == null || shape.length != 4 ? null : new ImagePreprocessor(preprocessing).inputShape(1);
            shape[0] = 1;
            for (int d = 1; d < shape.length; d++) {
                if (shape[d] == TensorSpec.DYNAMIC) {
                    if (fed == null) {
                        throw new IllegalArgumentException("input '" + input.name() + "' " + input.shapeText()
                                + " has a dynamic dimension that the manifest's preprocessing does not size");
                    }
                    shape[d] = fed[d];
                }
            }
            this.inputs.put(input.name(), input);
            rowShapes.put(input.name(), shape);
        }
    }

    @Override
    public Map<String, Tensor> batch(ExecutionContext context, int rows) {
        Map<String, Tensor> batch = new LinkedHashMap<>();
        rowShapes.forEach((name, rowShape) -> {
            long[] shape = rowShape.clone();
            shape[0] = rows;
            Tensor tensor = context.allocateInput(name, inputs.get(name).dtype(), shape);
            ByteBuffer bytes = tensor.buffer();
            while (bytes.hasRemaining()) {
                bytes.put((byte) 0);
            }
            batch.put(name, tensor);
        });
        return batch;
    }
}
