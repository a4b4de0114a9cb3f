package io.flinkinference.engine.tensorrt;

import io.flinkinference.modelstore.manifest.DataType;

import java.util.Arrays;

/**
 * Buffer sizes for a plan's tensors. Device and pinned buffers are allocated once per execution
 * context, for the largest shapes the optimization profile allows, so that no batch allocates and
 * the addresses handed to TensorRT (and captured in CUDA graphs) never change.
 */
public final class ProfileBuffers {
    /** Buffers start on 256-byte boundaries, as cudaMalloc returns them and vector loads want. */
    public static final long ALIGNMENT = 256;

    private ProfileBuffers() {}

    /** The largest shape of an input: the profile's maximum, which TensorRT reports fully specified. */
    public static long[] inputMaxShape(String name, long[] profileMax) {
        for (long dim : profileMax) {
            if (dim < 1) {
                throw new IllegalArgumentException("The optimization profile's maximum for input '" + name + "' is "
                        + Arrays.toString(profileMax) + "; every dimension must be fixed there.");
            }
        }
        return profileMax.clone();
    }

    /**
     * The largest shape of an output: its declared shape with the dynamic batch dimension at the
     * profile's maximum batch. Other dynamic dimensions depend on the data and cannot be sized ahead.
     */
    public static long[] outputMaxShape(String name, long[] declared, int maxBatch) {
        long[] shape = declared.clone();
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                if (i != 0) {
                    throw new IllegalArgumentException("Output '" + name + "' has shape " + Arrays.toString(declared)
                            + ": dimension " + i + " depends on the data, and this engine sizes its buffers ahead; "
                            + "rebuild the plan with that dimension fixed, or use the onnxruntime engine.");
                }
                shape[i] = maxBatch;
            }
        }
        return shape;
    }

    /** Bytes of a tensor of {@code shape}, rounded up to {@link #ALIGNMENT}. */
    public static long bytes(DataType dtype, long[] shape) {
        long elements = 1;
        for (long dim : shape) {
            elements = Math.multiplyExact(elements, dim);
        }
        long bytes = Math.multiplyExact(elements, dtype.byteSize());
        return (bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }
}
