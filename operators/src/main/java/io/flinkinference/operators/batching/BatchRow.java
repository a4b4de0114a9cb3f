package io.flinkinference.operators.batching;

import io.flinkinference.operators.engine.Tensor;

import java.nio.FloatBuffer;
import java.util.Map;

/**
 * One record's view of its batch's outputs: the batch tensors and the record's row, so that
 * postprocessing reads its row in place instead of copying every output per record.
 */
public final class BatchRow {
    private final Map<String, Tensor> outputs;
    private final int row;
    private final int batchSize;
    private final long queueNanos;
    private final long inferenceNanos;

    BatchRow(Map<String, Tensor> outputs, int row, int batchSize, long queueNanos, long inferenceNanos) {
        this.outputs = outputs;
        this.row = row;
        this.batchSize = batchSize;
        this.queueNanos = queueNanos;
        this.inferenceNanos = inferenceNanos;
    }

    /** The whole batch's output tensor; the record is row {@link #row()}. */
    public Tensor output(String name) {
        Tensor tensor = outputs.get(name);
        if (tensor == null) {
            throw new IllegalArgumentException("The engine gave no output '" + name + "'; it gave " + outputs.keySet());
        }
        return tensor;
    }

    public Map<String, Tensor> outputs() {
        return outputs;
    }

    public int row() {
        return row;
    }

    /** Records in the batch, padding excluded. */
    public int batchSize() {
        return batchSize;
    }

    public long queueNanos() {
        return queueNanos;
    }

    public long inferenceNanos() {
        return inferenceNanos;
    }

    /** This record's float32 values of an output. */
    public float[] rowFloats(String name) {
        Tensor tensor = output(name);
        int perRow = (int) (tensor.elementCount() / tensor.dim(0));
        float[] values = new float[perRow];
        FloatBuffer all = tensor.floats();
        all.position(row * perRow);
        all.get(values);
        return values;
    }

    /** This record's shape of an output: the batch's, with 1 as the first dimension. */
    public long[] rowShape(String name) {
        long[] shape = output(name).shape();
        shape[0] = 1;
        return shape;
    }
}
