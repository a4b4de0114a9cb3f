package io.flinkinference.operators.engine;

/**
 * The batch sizes an engine accepts along the first input dimension: every size from {@code min}
 * to {@code max}. ONNX models with a dynamic batch accept any size; TensorRT plans accept their
 * optimization profile's range.
 */
public record BatchRange(int min, int max) {
    public static final BatchRange ANY = new BatchRange(1, Integer.MAX_VALUE);

    public BatchRange {
        if (min < 1 || max < min) {
            throw new IllegalArgumentException("Invalid batch range [" + min + ", " + max + "]");
        }
    }

    public static BatchRange fixed(int size) {
        return new BatchRange(size, size);
    }

    public boolean contains(long size) {
        return size >= min && size <= max;
    }

    @Override
    public String toString() {
        return max == Integer.MAX_VALUE ? "[" + min + ", unbounded]" : "[" + min + ", " + max + "]";
    }
}
