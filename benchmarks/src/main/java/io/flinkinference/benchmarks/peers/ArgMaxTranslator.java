package io.flinkinference.benchmarks.peers;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The DJL translator a user would write for these records: a record's tensor bytes in, the index
 * of the highest score along the output's last axis out (the orientation classifier's class; for
 * the recognizer, one character index per time step). The argmax is done in Java: ONNX Runtime's
 * NDArrays in DJL have no {@code argMax} of their own.
 */
final class ArgMaxTranslator implements Translator<byte[], int[]> {
    private final Shape recordShape;

    /** @param tensorShape one record's shape with its batch dimension of 1, as the workload gives it */
    ArgMaxTranslator(long[] tensorShape) {
        long[] withoutBatch = new long[tensorShape.length - 1];
        System.arraycopy(tensorShape, 1, withoutBatch, 0, withoutBatch.length);
        this.recordShape = new Shape(withoutBatch);
    }

    @Override
    public NDList processInput(TranslatorContext context, byte[] tensor) {
        ByteBuffer values = ByteBuffer.wrap(tensor).order(ByteOrder.LITTLE_ENDIAN);
        return new NDList(context.getNDManager().create(values, recordShape, DataType.FLOAT32));
    }

    @Override
    public int[] processOutput(TranslatorContext context, NDList output) {
        float[] scores = output.get(0).toFloatArray();
        Shape shape = output.get(0).getShape();
        int classes = Math.toIntExact(shape.get(shape.dimension() - 1));
        return argMaxRows(scores, classes);
    }

    @Override
    public Batchifier getBatchifier() {
        return new ConcatenatingBatchifier();
    }

    /** The index of each row's highest value, rows of {@code width} values; the first on a tie. */
    static int[] argMaxRows(float[] values, int width) {
        int[] best = new int[values.length / width];
        for (int row = 0; row < best.length; row++) {
            int offset = row * width;
            for (int i = 1; i < width; i++) {
                if (values[offset + i] > values[offset + best[row]]) {
                    best[row] = i;
                }
            }
        }
        return best;
    }
}
