package io.flinkinference.engine.tensorrt;

import io.flinkinference.engine.tensorrt.gpu.Cuda;
import io.flinkinference.engine.tensorrt.gpu.CudaStream;
import org.bytedeco.cuda.cudart.CUgraphExec_st;
import org.bytedeco.cuda.cudart.CUgraph_st;
import org.bytedeco.cuda.global.cudart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One CUDA graph per batch size for an execution context's enqueue. A batch size's first run is a
 * plain enqueue (TensorRT does its shape-dependent setup there, which must not be captured); the
 * second is captured and replayed from then on. A size whose capture fails (a plan with layers
 * that cannot be captured, say) runs without a graph from then on; the log says so once.
 */
final class CudaGraphs implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CudaGraphs.class);

    private final boolean enabled;
    private final Map<Integer, CUgraphExec_st> graphs = new HashMap<>();
    private final Set<Integer> warmedUp = new HashSet<>();
    private final Set<Integer> uncapturable = new HashSet<>();

    CudaGraphs(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * Runs {@code enqueue} for a batch of {@code batchSize} on {@code stream}, through its graph when
     * one exists.
     *
     * @param enqueue queues the work; returns false when TensorRT refused to
     */
    void run(int batchSize, CudaStream stream, Enqueue enqueue) {
        CUgraphExec_st graph = graphs.get(batchSize);
        if (graph != null) {
            Cuda.check(cudart.cudaGraphLaunch(graph, stream.handle()), "cudaGraphLaunch(batch " + batchSize + ")");
            return;
        }
        if (!enabled || uncapturable.contains(batchSize) || warmedUp.add(batchSize)) {
            enqueue.run();
            return;
        }
        CUgraphExec_st captured = capture(batchSize, stream, enqueue);
        if (captured == null) {
            enqueue.run();
        } else {
            graphs.put(batchSize, captured);
            Cuda.check(cudart.cudaGraphLaunch(captured, stream.handle()), "cudaGraphLaunch(batch " + batchSize + ")");
        }
    }

    private CUgraphExec_st capture(int batchSize, CudaStream stream, Enqueue enqueue) {
        CUgraph_st graph = new CUgraph_st();
        Cuda.check(cudart.cudaStreamBeginCapture(stream.handle(), cudart.cudaStreamCaptureModeThreadLocal),
                "cudaStreamBeginCapture");
        String failure = null;
        try {
            enqueue.run();
        } catch (RuntimeException e) {
            failure = e.getMessage();
        }
        // Capture must be ended whatever happened, or the stream stays in capture mode.
        int ended = cudart.cudaStreamEndCapture(stream.handle(), graph);
        if (failure == null && ended != 0) {
            failure = "cudaStreamEndCapture: " + Cuda.errorName(ended);
        }
        CUgraphExec_st executable = null;
        if (failure == null) {
            executable = new CUgraphExec_st();
            int instantiated = cudart.cudaGraphInstantiate(executable, graph, 0L);
            if (instantiated != 0) {
                failure = "cudaGraphInstantiate: " + Cuda.errorName(instantiated);
                executable = null;
            }
        }
        if (!graph.isNull()) {
            cudart.cudaGraphDestroy(graph);
        }
        if (failure != null) {
            cudart.cudaGetLastError(); // clear the sticky-free error the failed capture left
            uncapturable.add(batchSize);
            LOG.warn("Batch size {} runs without a CUDA graph: capturing its enqueue failed ({})", batchSize, failure);
        }
        return executable;
    }

    /** The batch sizes that have a captured graph. */
    Set<Integer> captured() {
        return Set.copyOf(graphs.keySet());
    }

    /** Queues one batch's work. */
    interface Enqueue {
        void run();
    }

    @Override
    public void close() {
        graphs.values().forEach(cudart::cudaGraphExecDestroy);
        graphs.clear();
    }
}
