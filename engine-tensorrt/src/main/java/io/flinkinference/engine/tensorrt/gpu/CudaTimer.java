package io.flinkinference.engine.tensorrt.gpu;

import org.bytedeco.cuda.cudart.CUevent_st;
import org.bytedeco.cuda.global.cudart;

/** Times work on a stream with CUDA events, which measure the GPU's time, not the host's. */
public final class CudaTimer implements AutoCloseable {
    private final CUevent_st start = new CUevent_st();
    private final CUevent_st stop = new CUevent_st();

    public CudaTimer() {
        Cuda.check(cudart.cudaEventCreate(start), "cudaEventCreate");
        Cuda.check(cudart.cudaEventCreate(stop), "cudaEventCreate");
    }

    public void start(CudaStream stream) {
        Cuda.check(cudart.cudaEventRecord(start, stream.handle()), "cudaEventRecord");
    }

    /** Records the stop event, waits for it, and returns the milliseconds since {@link #start}. */
    public float stopMillis(CudaStream stream) {
        Cuda.check(cudart.cudaEventRecord(stop, stream.handle()), "cudaEventRecord");
        Cuda.check(cudart.cudaEventSynchronize(stop), "cudaEventSynchronize");
        float[] millis = new float[1];
        Cuda.check(cudart.cudaEventElapsedTime(millis, start, stop), "cudaEventElapsedTime");
        return millis[0];
    }

    @Override
    public void close() {
        cudart.cudaEventDestroy(start);
        cudart.cudaEventDestroy(stop);
    }
}
