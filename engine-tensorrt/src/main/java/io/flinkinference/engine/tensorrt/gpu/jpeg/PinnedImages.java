package io.flinkinference.engine.tensorrt.gpu.jpeg;

import io.flinkinference.engine.tensorrt.gpu.PinnedMemory;
import org.bytedeco.javacpp.Pointer;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Encoded images back to back in pinned host memory, where nvJPEG reads them (the hardware engine
 * by DMA): image {@code i} is bytes {@code [offsets[i], offsets[i + 1])} of {@code memory}. The
 * batcher writes them there in the first place, so that decoding copies nothing more on the host.
 */
public record PinnedImages(PinnedMemory memory, long[] offsets) {
    public PinnedImages {
        if (offsets.length < 1 || offsets[offsets.length - 1] > memory.bytes()) {
            throw new IllegalArgumentException("The offsets of " + (offsets.length - 1) + " images end past the "
                    + memory.bytes() + " bytes of their pinned block");
        }
    }

    /** Copies {@code images} into {@code memory}, which must hold them all (for callers that hold byte arrays). */
    public static PinnedImages copy(List<byte[]> images, PinnedMemory memory) {
        long[] offsets = new long[images.size() + 1];
        ByteBuffer out = memory.buffer();
        for (int i = 0; i < images.size(); i++) {
            out.put(images.get(i));
            offsets[i + 1] = out.position();
        }
        return new PinnedImages(memory, offsets);
    }

    public int count() {
        return offsets.length - 1;
    }

    public long length(int index) {
        return offsets[index + 1] - offsets[index];
    }

    /** Image {@code index} for nvJPEG. */
    public Pointer pointer(int index) {
        return memory.at(offsets[index]);
    }

    /** Image {@code index} for Java readers, as a view of the pinned bytes. */
    public ByteBuffer view(int index) {
        return memory.buffer().slice((int) offsets[index], (int) length(index));
    }
}
