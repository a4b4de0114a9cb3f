package io.flinkinference.sql;

import io.flinkinference.operators.Inference;
import io.flinkinference.operators.InferenceRequest;
import io.flinkinference.operators.InferenceResult;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.functions.AsyncPredictFunction;
import org.apache.flink.table.functions.FunctionContext;

import java.util.Collection;
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

    private final PredictingSlot slot;

    BatchedAsyncPredictFunction(Inference<InferenceRequest, InferenceResult> inference, ModelColumns columns) {
        this.slot = new PredictingSlot(inference, columns);
    }

    @Override
    public void open(FunctionContext context) throws Exception {
        slot.open(context);
    }

    @Override
    public CompletableFuture<Collection<RowData>> asyncPredict(RowData input) {
        return slot.predict(input);
    }

    @Override
    public void close() throws Exception {
        slot.close();
    }
}
