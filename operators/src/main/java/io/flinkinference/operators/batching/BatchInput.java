package io.flinkinference.operators.batching;

import io.flinkinference.operators.engine.ExecutionContext;
import io.flinkinference.operators.engine.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One preprocessed record and the {@link Batchifier} that stacks it: what a translator's
 * {@code preprocess} returns and the {@link DynamicBatcher} queues.
 */
public record BatchInput<P>(Batchifier<P> batchifier, P record) {

    /** Records batch only with records of the same batchifier and an equal bucket key. */
    Bucket bucket() {
        return new Bucket(batchifier, batchifier.bucketKey(record));
    }

    /**
     * Stacks a batch of inputs of one bucket with their batchifier.
     *
     * @param batch inputs that all share this input's {@link #bucket()}, and so its batchifier
     */
    @SuppressWarnings("unchecked") // one bucket, one batchifier: every record is a P
    Map<String, Tensor> stackWith(List<BatchInput<?>> batch, int rows, ExecutionContext context) {
        List<P> records = new ArrayList<>(batch.size());
        for (BatchInput<?> input : batch) {
            records.add((P) input.record());
        }
        return batchifier.stack(records, rows, context);
    }

    record Bucket(Batchifier<?> batchifier, Object key) {}
}
