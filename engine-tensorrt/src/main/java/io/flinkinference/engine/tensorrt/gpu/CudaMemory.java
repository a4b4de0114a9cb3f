package io.flinkinference.engine.tensorrt.gpu;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/** A block of memory CUDA allocated, freed exactly once on {@link #close}. */
public abstract class CudaMemory implements AutoCloseable {
    private final Pointer pointer;
    private final long bytes;
    private boolean freed;

    CudaMemory(Pointer pointer, long bytes) {
        this.pointer = pointer;
        this.bytes = bytes;
    }

    public final long bytes() {
        return bytes;
    }

    /** The block's address, as CUDA calls, kernels and TensorRT take it. */
    public final long address() {
        return pointer.address();
    }

    public final Pointer pointer() {
        return pointer;
    }

    /** A pointer {@code offset} bytes into the block, for CUDA calls. */
    public final Pointer at(long offset) {
        if (offset < 0 || offset > bytes) {
            throw new IndexOutOfBoundsException("Offset " + offset + " outside a block of " + bytes + " bytes");
        }
        return new BytePointer(pointer).position(offset);
    }

    /** Returns the block to CUDA. */
    abstract void free(Pointer pointer);

    @Override
    public final void close() {
        if (!freed) {
            freed = true;
            free(pointer);
        }
    }
}
