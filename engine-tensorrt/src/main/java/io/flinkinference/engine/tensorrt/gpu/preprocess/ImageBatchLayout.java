package io.flinkinference.engine.tensorrt.gpu.preprocess;

import io.flinkinference.operators.image.ImageGeometry;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Where each image of a batch lies in one device buffer of interleaved RGB bytes, and the
 * per-image descriptors the kernel reads ({@code struct ImageDesc} in {@code resize_normalize.cu}:
 * int64 offset, int32 height, width, resized width, float32 scale x, scale y, int32 crop left,
 * crop top, unused; 40 bytes, a multiple of 8 so that every descriptor's offset stays aligned).
 */
public final class ImageBatchLayout {
    public static final int DESCRIPTOR_BYTES = 40;

    private final List<ImageGeometry> images;
    private final long[] offsets;
    private final long totalBytes;

    public ImageBatchLayout(List<ImageGeometry> images) {
        this.images = List.copyOf(images);
        this.offsets = new long[images.size()];
        long next = 0;
        for (int i = 0; i < images.size(); i++) {
            offsets[i] = next;
            next += images.get(i).rgbBytes();
        }
        this.totalBytes = next;
    }

    public int size() {
        return images.size();
    }

    public ImageGeometry image(int index) {
        return images.get(index);
    }

    /** Byte offset of image {@code index} in the source buffer. */
    public long offset(int index) {
        return offsets[index];
    }

    /** Bytes of all images together. */
    public long totalBytes() {
        return totalBytes;
    }

    /**
     * Where descriptors may follow the images in one buffer: the image bytes rounded up to 256, since
     * the kernel reads each descriptor's int64 offset with an aligned load.
     */
    public long descriptorOffset() {
        return (totalBytes + 255) / 256 * 256;
    }

    /** Bytes of images and descriptors together, laid out as {@link #descriptorOffset} says. */
    public long bufferBytes() {
        return descriptorOffset() + descriptorBytes();
    }

    public long descriptorBytes() {
        return (long) DESCRIPTOR_BYTES * images.size();
    }

    /** Writes the kernel's descriptors, in native order, at {@code target}'s position 0. */
    public void writeDescriptors(ByteBuffer target) {
        ByteBuffer out = target.duplicate().order(ByteOrder.nativeOrder());
        out.clear();
        for (int i = 0; i < images.size(); i++) {
            ImageGeometry image = images.get(i);
            out.putLong(offsets[i]).putInt(image.height()).putInt(image.width()).putInt(image.resizedWidth())
                    .putFloat(image.scaleX()).putFloat(image.scaleY()).putInt(image.left()).putInt(image.top()).putInt(0);
        }
    }
}
