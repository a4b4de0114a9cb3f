package io.flinkinference.operators.gpu;

import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/** A block of GPU memory ({@code cudaMalloc}), freed exactly once on {@link #close}. */
public final class DeviceMemory implements AutoCloseable {
    private final Pointer pointer;
    private final long bytes;
    private boolean freed;

    private DeviceMemory(Pointer pointer, long bytes) {
        this.pointer = pointer;
        this.bytes = bytes;
    }

    /** Allocates on the calling thread's current device ({@link Cuda#use}). */
    public static DeviceMemory allocate(long bytes) {
        Pointer pointer = new Pointer();
        Cuda.check(cudart.cudaMalloc(pointer, Math.max(1, bytes)), "cudaMalloc(" + bytes + " bytes)");
        return new DeviceMemory(pointer, bytes);
    }

    public long bytes() {
        return bytes;
    }

    /** The device address, as kernels and TensorRT take it. */
    public long address() {
        return pointer.address();
    }

    /** A pointer {@code offset} bytes into the block, for CUDA calls. */
    public Pointer at(long offset) {
        if (offset < 0 || offset > bytes) {
            throw new IndexOutOfBoundsException("Offset " + offset + " outside a device block of " + bytes + " bytes");
        }
        return new BytePointer(pointer).position(offset);
    }

    public Pointer pointer() {
        return pointer;
    }

    @Override
    public void close() {
        if (!freed) {
            freed = true;
            Cuda.check(cudart.cudaFree(pointer), "cudaFree");
        }
    }
}
