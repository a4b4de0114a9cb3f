package io.flinkinference.engine.onnxruntime;

import io.flinkinference.operators.engine.ConcurrentBatches;

import java.util.Optional;

/**
 * How many intra-op threads an ONNX Runtime session gets. ONNX Runtime's own choice is one per
 * physical core for each {@code run}; a session shared by a TaskManager's slots runs several
 * batches at once, each then asking for every core, and on 2 cores two callers with one thread
 * each ran 1.5x the images of two callers on the automatic pools (docs/BENCHMARKS.md). So when the
 * user sets none, the cores are divided among the batches that may run at once.
 *
 * @param threads the number to give ONNX Runtime; 0 leaves the choice to it
 * @param why how it was chosen, for the engine's log line
 */
record IntraOpThreads(int threads, String why) {

    /**
     * The user's {@code onnxruntime.intra-op-threads} when set (0 included: ONNX Runtime chooses);
     * else {@code cores / concurrency.total()}, at least 1; without a concurrency (an engine opened
     * outside the inference function, one caller), ONNX Runtime's choice.
     */
    static IntraOpThreads choose(Optional<Integer> configured, int cores, ConcurrentBatches concurrency) {
        if (configured.isPresent()) {
            int threads = configured.get();
            return new IntraOpThreads(threads, "set by " + OnnxRuntimeOptions.INTRA_OP_THREADS.key());
        }
        if (concurrency == null) {
            return new IntraOpThreads(0, "ONNX Runtime's choice: one caller");
        }
        int threads = Math.max(1, cores / concurrency.total());
        return new IntraOpThreads(threads, cores + " cores / (" + concurrency + ")");
    }

    @Override
    public String toString() {
        return (threads == 0 ? "auto" : Integer.toString(threads)) + ", " + why;
    }
}
