package io.flinkinference.operators.engine;

import io.flinkinference.modelstore.manifest.DataType;

import java.util.Map;

/**
 * Per-caller state for running batches on a shared engine: for TensorRT an execution context and
 * its CUDA stream, for ONNX Runtime nothing. The batcher holds one per in-flight batch, and each
 * is used by one thread at a time.
 */
public interface ExecutionContext extends AutoCloseable {

    /**
     * A tensor for a batch input that the caller fills completely (its contents are unspecified) and
     * then passes to {@link #infer}.
     * Contexts return one backed by staging memory they own and reuse: pinned memory for engines
     * that copy inputs to a GPU, so the batch is written once, where the copy engine reads it, and
     * reused direct buffers otherwise ({@link HostStagingContext}). Valid until the next batch on
     * this context. The default allocates a new tensor each call, for contexts without staging.
     */
    default Tensor allocateInput(String name, DataType dtype, long[] shape) {
        return Tensor.allocate(dtype, shape);
    }

    /**
     * Runs one batch; see {@link InferenceEngine#infer}. The outputs are the caller's and must stay
     * valid after this context runs its next batch: the batcher gives the context back before the
     * batch's records are postprocessed from them.
     */
    Map<String, Tensor> infer(Map<String, Tensor> inputs);

    /**
     * Runs one batch of each of {@code batchSizes} (inputs of unspecified contents, outputs thrown
     * away) so that no record pays for what the engine does the first time it sees a batch shape:
     * TensorRT's shape setup and the capture of its CUDA graph, a GPU image decoder's set-up. The
     * batcher calls it on each context before its slot takes records. The default does nothing,
     * for engines with no first-use cost worth paying up front.
     */
    default void warmUp(int[] batchSizes) {}

    @Override
    void close();
}
