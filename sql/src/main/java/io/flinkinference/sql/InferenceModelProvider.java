package io.flinkinference.sql;

import io.flinkinference.operators.Inference;
import io.flinkinference.operators.InferenceRequest;
import io.flinkinference.operators.InferenceResult;
import org.apache.flink.table.functions.AsyncPredictFunction;
import org.apache.flink.table.functions.PredictFunction;
import org.apache.flink.table.ml.AsyncPredictRuntimeProvider;
import org.apache.flink.table.ml.ModelProvider;
import org.apache.flink.table.ml.PredictRuntimeProvider;

/**
 * A checked model: both runtime paths, so that ML_PREDICT's {@code 'async'} picks one. The async
 * path is the one that batches across rows; the synchronous one sends one row at a time per
 * subtask (batches form only across the subtasks that share a TaskManager's batcher).
 */
final class InferenceModelProvider implements PredictRuntimeProvider, AsyncPredictRuntimeProvider {
    private final Inference<InferenceRequest, InferenceResult> inference;
    private final ModelColumns columns;

    InferenceModelProvider(Inference<InferenceRequest, InferenceResult> inference, ModelColumns columns) {
        this.inference = inference;
        this.columns = columns;
    }

    @Override
    public AsyncPredictFunction createAsyncPredictFunction(ModelProvider.Context context) {
        return new BatchedAsyncPredictFunction(inference, columns);
    }

    @Override
    public PredictFunction createPredictFunction(ModelProvider.Context context) {
        return new BatchedPredictFunction(inference, columns);
    }

    @Override
    public ModelProvider copy() {
        // Both parts are immutable.
        return new InferenceModelProvider(inference, columns);
    }
}
