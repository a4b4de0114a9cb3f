package io.flinkinference.operators.batching;

import io.flinkinference.modelstore.manifest.DataType;
import io.flinkinference.modelstore.manifest.TensorSpec;
import io.flinkinference.operators.engine.BatchRange;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.operators.engine.Tensor;

import java.nio.FloatBuffer;
import java.util.List;

/**
 * The engine the batcher's tests script: one float input {@code x} and one output {@code y} of the
 * same shape ({@code [-1, 2]} unless told), so that each test says only what its engine does with
 * a batch: how long it takes, when it may finish, what it records.
 */
abstract class PairTensorEngine implements InferenceEngine {
    private final String name;
    private final List<Long> shape;
    private final BatchRange range;

    PairTensorEngine(String name) {
        this(name, List.of(-1L, 2L), BatchRange.ANY);
    }

    PairTensorEngine(String name, List<Long> shape, BatchRange range) {
        this.name = name;
        this.shape = List.copyOf(shape);
        this.range = range;
    }

    @Override
    public String engineName() {
        return name;
    }

    @Override
    public List<TensorSpec> inputs() {
        return List.of(new TensorSpec("x", DataType.FLOAT32, shape, null));
    }

    @Override
    public List<TensorSpec> outputs() {
        return List.of(new TensorSpec("y", DataType.FLOAT32, shape, null));
    }

    @Override
    public BatchRange batchRange() {
        return range;
    }

    @Override
    public void close() {}

    /** {@code factor * x}, element by element, in a new tensor of x's shape. */
    static Tensor scaled(Tensor x, float factor) {
        Tensor y = Tensor.allocate(DataType.FLOAT32, x.shape());
        FloatBuffer in = x.floats();
        FloatBuffer out = y.floats();
        for (int i = 0; i < in.capacity(); i++) {
            out.put(i, factor * in.get(i));
        }
        return y;
    }
}
