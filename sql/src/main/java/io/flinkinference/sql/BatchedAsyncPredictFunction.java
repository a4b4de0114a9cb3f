package io.flinkinference.sql;

import io.flinkinference.operators.Inference;
import io.flinkinference.operators.InferenceRequest;
import io.flinkinference.operators.InferenceResult;
import io.flinkinference.operators.InferenceSlot;
import io.flinkinference.operators.SlotContext;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.functions.AsyncPredictFunction;
import org.apache.flink.table.functions.FunctionContext;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * ML_PREDICT with {@code 'async' = 'true'}: each row's call queues its request at the slot's
 * dynamic batcher and returns, so the rows that Flink's async operator keeps in flight (up to
 * {@code 'max-concurrent-operations'}) form batches together, and those rows are in the
 * operator's checkpointed state, not in ours. A bad row completes with nulls and its reason in
 * {@code error}; a failed batch fails its rows' futures, and so the task, for Flink to restart.
 *
 * <p>Public only because the planner's generated code names the class; make it through the model provider.
 */
public final class BatchedAsyncPredictFunction extends AsyncPredictFunction {
    private static final long serialVersionUID = 1L;

    private final Inference<InferenceRequest, InferenceResult> inference;
    private final ModelColumns columns;
    private transient InferenceSlot<InferenceRequest, InferenceResult> slot;
    private transient RowRequests requests;

    BatchedAsyncPredictFunction(Inference<InferenceRequest, InferenceResult> inference, ModelColumns columns) {
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
    public CompletableFuture<Collection<RowData>> asyncPredict(RowData input) {
        return slot.infer(columns.request(requests.nextId(), input)).thenApply(outcome -> List.of(columns.row(outcome)));
    }

    @Override
    public void close() throws Exception {
        if (slot != null) {
            slot.close();
            slot = null;
        }
    }
}
