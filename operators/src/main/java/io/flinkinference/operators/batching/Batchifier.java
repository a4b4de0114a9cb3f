package io.flinkinference.operators.batching;

import io.flinkinference.operators.engine.ExecutionContext;
import io.flinkinference.operators.engine.Tensor;

import java.util.List;
import java.util.Map;

/**
 * How one form of preprocessed record becomes an engine batch (DJL's {@code Batchifier}): which
 * records may share a batch, and how their rows are stacked. The translator chooses it per record
 * ({@link BatchInput}); the {@link DynamicBatcher} only queues, cuts, runs and completes. Each
 * record's results are read back as a {@link BatchRow} of the batch outputs.
 *
 * @param <P> the record's preprocessed form, e.g. its tensors or its encoded image
 */
public interface Batchifier<P> {

    /** Records share a batch only when their keys are equal (for tensors: their shapes without the batch dimension). */
    Object bucketKey(P record);

    /**
     * The engine inputs for {@code records}, in order, padded with empty rows up to {@code rows};
     * written into the context's staging memory ({@link ExecutionContext#allocateInput}) wherever
     * a copy is needed at all.
     */
    Map<String, Tensor> stack(List<P> records, int rows, ExecutionContext context);

    /** {@code record} as the batcher takes it. */
    default BatchInput<P> input(P record) {
        return new BatchInput<>(this, record);
    }
}
