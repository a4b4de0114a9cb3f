package io.flinkinference.operators.engine;

import io.flinkinference.modelstore.manifest.DataType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;

/**
 * Reusable direct memory for one execution context's batch inputs, one block per input name,
 * grown when a batch needs more and never shrunk, so that a context stops allocating once it has
 * seen its largest batch. Direct buffers are slow to allocate (zeroed, reserved against the JVM's
 * direct memory limit and freed only by the garbage collector), which is why batches must not
 * each get new ones.
 *
 * <p>Off-heap sizing: every context holds, per input, the bytes of its largest batch (for
 * variable-length inputs such as encoded images up to half as much again, from the growth
 * policy). A TaskManager therefore needs, in {@code taskmanager.memory.task.off-heap.size}
 * (Flink's default is 0, and the JVM's direct memory limit is derived from it), at least
 * slots x max in-flight batches x the bytes of one full batch of inputs, plus one row per record
 * in flight for the per-record tensors of the tensor path.
 *
 * <p>Not thread-safe: a context serves one batch at a time.
 */
public final class StagingBuffers {
    private final Map<String, ByteBuffer> blocks = new HashMap<>();

    /**
     * A tensor over the block of {@code name}, with unspecified contents; valid until the next
     * call for the same name.
     */
    public Tensor tensor(String name, DataType dtype, long[] shape) {
        long bytes = Math.multiplyExact(Tensor.elementCount(shape), dtype.byteSize());
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Input '" + name + "' of " + dtype + java.util.Arrays.toString(shape)
                    + " needs " + bytes + " bytes; a staging block holds at most 2 GiB.");
        }
        ByteBuffer block = blocks.get(name);
        if (block == null || block.capacity() < bytes) {
            // Half again as much, so that a slowly growing variable-length input does not reallocate every batch.
            long grown = block == null ? bytes : Math.max(bytes, Math.min(Integer.MAX_VALUE, block.capacity() * 3L / 2));
            block = ByteBuffer.allocateDirect((int) grown).order(ByteOrder.nativeOrder());
            blocks.put(name, block);
        }
        return Tensor.wrap(dtype, shape, block.slice(0, (int) bytes));
    }

    /** Bytes held, over all inputs (for tests and sizing). */
    public long bytesHeld() {
        return blocks.values().stream().mapToLong(ByteBuffer::capacity).sum();
    }
}
