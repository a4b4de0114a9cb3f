package io.flinkinference.tools.bench;

import io.flinkinference.modelstore.manifest.DataType;
import io.flinkinference.modelstore.manifest.Preprocessing;
import io.flinkinference.modelstore.manifest.TensorSpec;
import io.flinkinference.operators.engine.ExecutionContext;
import io.flinkinference.operators.engine.Tensor;
import io.flinkinference.operators.translate.ImagePreprocessor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded random values in [0, 1) of the model's input shapes. A dimension the model leaves
 * dynamic (besides the batch) takes its size from the manifest's preprocessing, which is the size
 * the job feeds it (a detector's page, a recognizer's line width); without preprocessing such an
 * input cannot be sized and is refused by name. Only float32 inputs: random integers would be
 * meaningless token ids or indices.
 */
public final class SyntheticTensors implements BatchInputs {
    private final List<TensorSpec> inputs;
    private final Preprocessing preprocessing;
    private final long seed;

    /** @param preprocessing the manifest's, or null when it has none */
    public SyntheticTensors(List<TensorSpec> inputs, Preprocessing preprocessing, long seed) {
        for (TensorSpec input : inputs) {
            if (input.dtype() != DataType.FLOAT32) {
                throw new IllegalArgumentException("Input '" + input.name() + "' is " + input.dtype().id()
                        + "; synthetic inputs are float32 only. Pass --inputs DIR for an image model, or bench a float32 model.");
            }
            recordShape(input, preprocessing); // refuses an input it cannot size, before anything runs
        }
        this.inputs = List.copyOf(inputs);
        this.preprocessing = preprocessing;
        this.seed = seed;
    }

    @Override
    public Map<String, Tensor> batch(ExecutionContext context, int batchSize, int caller) {
        SplittableRandom random = new SplittableRandom(seed + 31L * caller + batchSize);
        Map<String, Tensor> batch = new LinkedHashMap<>();
        for (TensorSpec input : inputs) {
            long[] shape = recordShape(input, preprocessing);
            shape[0] = batchSize;
            Tensor tensor = context.allocateInput(input.name(), input.dtype(), shape);
            fill(tensor.floats(), random);
            batch.put(input.name(), tensor);
        }
        return batch;
    }

    /**
     * {@code distinct} records of the one input, as the little-endian floats an
     * {@link io.flinkinference.operators.InferenceRequest#tensor} carries; for the function sweep.
     */
    public List<byte[]> recordPayloads(int distinct) {
        long[] shape = recordShape(singleInput(), preprocessing);
        int values = Math.toIntExact(Tensor.elementCount(shape));
        SplittableRandom random = new SplittableRandom(seed);
        List<byte[]> payloads = new ArrayList<>(distinct);
        for (int i = 0; i < distinct; i++) {
            ByteBuffer bytes = ByteBuffer.allocate(values * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            fill(bytes.asFloatBuffer(), random);
            payloads.add(bytes.array());
        }
        return payloads;
    }

    /** The shape of one record of the one input (batch dimension 1). */
    public long[] recordShape() {
        return recordShape(singleInput(), preprocessing);
    }

    @Override
    public String description() {
        List<String> shapes = new ArrayList<>();
        for (TensorSpec input : inputs) {
            long[] shape = recordShape(input, preprocessing);
            shapes.add(input.name() + " " + Arrays.toString(shape).replace(" ", "").replaceFirst("^\\[1", "[N"));
        }
        return "synthetic tensors (" + String.join(", ", shapes) + ", seed " + seed + ")";
    }

    private TensorSpec singleInput() {
        if (inputs.size() != 1) {
            throw new IllegalArgumentException("The model has " + inputs.size() + " inputs; a record carries one tensor.");
        }
        return inputs.get(0);
    }

    private static long[] recordShape(TensorSpec input, Preprocessing preprocessing) {
        long[] shape = input.shapeArray();
        long[] fromPreprocessing = preprocessing == null || shape.length != 4 ? null
                : new ImagePreprocessor(preprocessing).inputShape(1);
        shape[0] = 1;
        for (int d = 1; d < shape.length; d++) {
            if (shape[d] == TensorSpec.DYNAMIC) {
                if (fromPreprocessing == null) {
                    throw new IllegalArgumentException("Input '" + input.name() + "' " + input.shapeText() + " has a dynamic "
                            + "dimension " + d + " and the manifest has no preprocessing to size it; pass --inputs DIR.");
                }
                shape[d] = fromPreprocessing[d];
            }
        }
        return shape;
    }

    private static void fill(FloatBuffer values, SplittableRandom random) {
        for (int i = 0; i < values.limit(); i++) {
            values.put(i, (float) random.nextDouble());
        }
    }
}
