package io.flinkinference.engine.tensorrt.gpu;

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
public final class PinnedMemory extends CudaMemory {
    private final ByteBuffer view;

    private PinnedMemory(Pointer pointer, long bytes) {
        super(pointer, bytes);
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

    /** The block as a direct buffer in native order, positioned at 0 (a new view each call). */
    public ByteBuffer buffer() {
        return view.duplicate().clear().order(ByteOrder.nativeOrder());
    }

    @Override
    void free(Pointer pointer) {
        Cuda.check(cudart.cudaFreeHost(pointer), "cudaFreeHost");
    }
}
