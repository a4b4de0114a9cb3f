package io.flinkinference.tools.bench;

import io.flinkinference.operators.engine.ExecutionContext;
import io.flinkinference.operators.engine.Tensor;

import java.util.Map;

/**
 * The tensors a caller of the engine sweep runs, batch after batch: written once into the
 * caller's own staging memory before timing starts, so that a measurement is the engine's
 * {@code infer} as the batching function calls it, not the making of inputs.
 */
public interface BatchInputs {

    /**
     * One batch of every input the model declares, in {@code context}'s staging memory.
     *
     * @param caller which of the concurrent callers asks; callers get different records
     */
    Map<String, Tensor> batch(ExecutionContext context, int batchSize, int caller);

    /** What the inputs are, for the report: "synthetic tensors (x [N,3,48,192], seed 7)", "12 image(s) from scans/ ...". */
    String description();
}
