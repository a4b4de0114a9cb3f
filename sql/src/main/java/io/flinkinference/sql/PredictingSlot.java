package io.flinkinference.sql;

import io.flinkinference.operators.Inference;
import io.flinkinference.operators.InferenceRequest;
import io.flinkinference.operators.InferenceResult;
import io.flinkinference.operators.InferenceSlot;
import io.flinkinference.operators.SlotContext;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.functions.FunctionContext;

import java.io.Serializable;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What both predict functions do with a row, whichever of Flink's base classes they extend: open
 * the model in the task slot ({@link Inference#openSlot}, so SQL rows join the same batcher as
 * DataStream records), turn a row into a request and an outcome back into a row, and close.
 */
final class PredictingSlot implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Inference<InferenceRequest, InferenceResult> inference;
    private final ModelColumns columns;
    private transient InferenceSlot<InferenceRequest, InferenceResult> slot;
    private transient RowRequests requests;

    PredictingSlot(Inference<InferenceRequest, InferenceResult> inference, ModelColumns columns) {
        this.inference = inference;
        this.columns = columns;
    }

    void open(FunctionContext context) throws Exception {
        slot = inference.openSlot(new SlotContext(context.getMetricGroup(), context.getTaskInfo(),
                context::getExternalResourceInfos));
        requests = new RowRequests(context);
    }

    /** The row's prediction, completed on the batcher's thread once its batch ran. */
    CompletableFuture<Collection<RowData>> predict(RowData input) {
        return slot.infer(columns.request(requests.nextId(), input)).thenApply(outcome -> List.of(columns.row(outcome)));
    }

    String model() {
        return inference.spec().model().toString();
    }

    void close() throws Exception {
        if (slot != null) {
            slot.close();
            slot = null;
        }
    }
}
