package io.flinkinference.operators.batching;

import io.flinkinference.operators.engine.ExecutionContext;
import io.flinkinference.operators.engine.Tensor;

import java.util.Map;

/** The batches {@link BatchSizeSweep} times the engine on, made in the context's own staging memory. */
@FunctionalInterface
public interface ProbeBatches {

    /** One batch of {@code rows} rows of every input the engine declares; valid until the context's next batch. */
    Map<String, Tensor> batch(ExecutionContext context, int rows);
}
