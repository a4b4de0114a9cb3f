package io.flinkinference.engine.tensorrt.gpu;

import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.Pointer;

/** A block of GPU memory ({@code cudaMalloc}). */
public final class DeviceMemory extends CudaMemory {
    private DeviceMemory(Pointer pointer, long bytes) {
        super(pointer, bytes);
    }

    /** Allocates on the calling thread's current device ({@link Cuda#use}). */
    public static DeviceMemory allocate(long bytes) {
        Pointer pointer = new Pointer();
        Cuda.check(cudart.cudaMalloc(pointer, Math.max(1, bytes)), "cudaMalloc(" + bytes + " bytes)");
        return new DeviceMemory(pointer, bytes);
    }

    @Override
    void free(Pointer pointer) {
        Cuda.check(cudart.cudaFree(pointer), "cudaFree");
    }
}
