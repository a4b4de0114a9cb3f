package io.flinkinference.sql;

import io.flinkinference.operators.Inference;
import io.flinkinference.operators.InferenceRequest;
import io.flinkinference.operators.InferenceResult;
import io.flinkinference.operators.engine.EngineException;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.PredictFunction;

import java.util.Collection;
import java.util.concurrent.ExecutionException;

/**
 * ML_PREDICT without {@code 'async'}: each row waits for its batch on the task thread. A subtask
 * then has one row in flight, so its batches hold one row, unless other subtasks of the
 * TaskManager share the batcher ({@code 'batch-scope' = 'TASK_MANAGER'}, the default); use the
 * async path for throughput.
 *
 * <p>Public only because the planner's generated code names the class; make it through the model provider.
 */
public final class BatchedPredictFunction extends PredictFunction {
    private static final long serialVersionUID = 1L;

    private final PredictingSlot slot;

    BatchedPredictFunction(Inference<InferenceRequest, InferenceResult> inference, ModelColumns columns) {
        this.slot = new PredictingSlot(inference, columns);
    }

    @Override
    public void open(FunctionContext context) throws Exception {
        slot.open(context);
    }

    @Override
    public Collection<RowData> predict(RowData input) {
        try {
            return slot.predict(input).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("Interrupted while waiting for a batch of " + slot.model(), e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause
                    : new EngineException("A batch of " + slot.model() + " failed: " + e.getCause(), e.getCause());
        }
    }

    @Override
    public void close() throws Exception {
        slot.close();
    }
}
