package io.flinkinference.engine.tensorrt.gpu;

import org.bytedeco.cuda.cudart.CUevent_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.Pointer;

/**
 * A non-blocking CUDA stream with a completion event. Non-blocking, because the legacy default
 * stream would serialise every in-flight batch of the JVM; one stream per batch lets copies of
 * one batch overlap the kernels of another.
 */
public final class CudaStream implements AutoCloseable {
    private final CUstream_st stream = new CUstream_st();
    private final CUevent_st done = new CUevent_st();
    private boolean created;
    private boolean eventCreated;

    public CudaStream() {
        Cuda.check(cudart.cudaStreamCreateWithFlags(stream, cudart.cudaStreamNonBlocking), "cudaStreamCreateWithFlags");
        created = true;
        try {
            Cuda.check(cudart.cudaEventCreateWithFlags(done, cudart.cudaEventDisableTiming), "cudaEventCreateWithFlags");
            eventCreated = true;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    public CUstream_st handle() {
        return stream;
    }

    /** Queues a host-to-device copy. */
    public void copyToDevice(Pointer device, Pointer host, long bytes) {
        Cuda.check(cudart.cudaMemcpyAsync(device, host, bytes, cudart.cudaMemcpyHostToDevice, stream),
                "cudaMemcpyAsync(host to device, " + bytes + " bytes)");
    }

    /** Queues a device-to-host copy. */
    public void copyToHost(Pointer host, Pointer device, long bytes) {
        Cuda.check(cudart.cudaMemcpyAsync(host, device, bytes, cudart.cudaMemcpyDeviceToHost, stream),
                "cudaMemcpyAsync(device to host, " + bytes + " bytes)");
    }

    /**
     * Records the completion event after everything queued so far and waits for it. Waiting on an
     * event rather than the stream keeps the wait to the work of this batch.
     */
    public void complete() {
        Cuda.check(cudart.cudaEventRecord(done, stream), "cudaEventRecord");
        Cuda.check(cudart.cudaEventSynchronize(done), "cudaEventSynchronize");
    }

    @Override
    public void close() {
        if (eventCreated) {
            eventCreated = false;
            Cuda.check(cudart.cudaEventDestroy(done), "cudaEventDestroy");
        }
        if (created) {
            created = false;
            Cuda.check(cudart.cudaStreamDestroy(stream), "cudaStreamDestroy");
        }
    }
}
