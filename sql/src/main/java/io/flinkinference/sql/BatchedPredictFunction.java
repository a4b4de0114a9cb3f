package io.flinkinference.sql;

import io.flinkinference.operators.Inference;
import io.flinkinference.operators.InferenceRequest;
import io.flinkinference.operators.InferenceResult;
import io.flinkinference.operators.InferenceSlot;
import io.flinkinference.operators.SlotContext;
import io.flinkinference.operators.engine.EngineException;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.PredictFunction;

import java.util.Collection;
import java.util.List;
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

    private final Inference<InferenceRequest, InferenceResult> inference;
    private final ModelColumns columns;
    private transient InferenceSlot<InferenceRequest, InferenceResult> slot;
    private transient RowRequests requests;

    BatchedPredictFunction(Inference<InferenceRequest, InferenceResult> inference, ModelColumns columns) {
        this.inference = inference;
        this.columns = columns;
    }

    @Override
    public void open(FunctionContext context) throws Exception {
        slot = inference.openSlot(new SlotContext(context.getMetricGroup(), context.getTaskInfo(),
                context::getExternalResourceInfos));
        requests = new RowRequests(context);
    }

    @Override
    public Collection<RowData> predict(RowData input) {
        try {
            return List.of(columns.row(slot.infer(columns.request(requests.nextId(), input)).get()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("Interrupted while waiting for a batch of " + inference.spec().model(), e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause
                    : new EngineException("A batch of " + inference.spec().model() + " failed: " + e.getCause(), e.getCause());
        }
    }

    @Override
    public void close() throws Exception {
        if (slot != null) {
            slot.close();
            slot = null;
        }
    }
}
