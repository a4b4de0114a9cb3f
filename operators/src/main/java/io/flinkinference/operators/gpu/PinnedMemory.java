package io.flinkinference.operators.gpu;

import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Page-locked host memory ({@code cudaMallocHost}): copies from it to the GPU run asynchronously at
 * full PCIe speed, where pageable memory is first staged through a driver buffer. Java reads and
 * writes it through {@link #buffer()}, a direct buffer over the same bytes.
 */
public final class PinnedMemory implements AutoCloseable {
    private final Pointer pointer;
    private final long bytes;
    private final ByteBuffer view;
    private boolean freed;

    private PinnedMemory(Pointer pointer, long bytes) {
        this.pointer = pointer;
        this.bytes = bytes;
        this.view = new BytePointer(pointer).capacity(bytes).asByteBuffer().order(ByteOrder.nativeOrder());
    }

    public static PinnedMemory allocate(long bytes) {
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Pinned blocks are limited to 2 GiB, " + bytes + " bytes asked");
        }
        Pointer pointer = new Pointer();
        Cuda.check(cudart.cudaMallocHost(pointer, Math.max(1, bytes)), "cudaMallocHost(" + bytes + " bytes)");
        return new PinnedMemory(pointer, bytes);
    }

    public long bytes() {
        return bytes;
    }

    /** The block as a direct buffer in native order, positioned at 0 (a new view each call). */
    public ByteBuffer buffer() {
        return view.duplicate().clear().order(ByteOrder.nativeOrder());
    }

    /** A pointer {@code offset} bytes into the block, for CUDA calls. */
    public Pointer at(long offset) {
        return new BytePointer(pointer).position(offset);
    }

    public Pointer pointer() {
        return pointer;
    }

    @Override
    public void close() {
        if (!freed) {
            freed = true;
            Cuda.check(cudart.cudaFreeHost(pointer), "cudaFreeHost");
        }
    }
}
