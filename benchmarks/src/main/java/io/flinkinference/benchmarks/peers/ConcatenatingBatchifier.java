package io.flinkinference.benchmarks.peers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * DJL's batchifier for its ONNX Runtime engine on its own. DJL's {@code Batchifier.STACK} stacks
 * with an NDArray operation that ONNX Runtime's NDArrays do not have (DJL borrows it from PyTorch
 * when that engine is present, and fails with "does not currently support this operation" when it
 * is not), so this one joins and splits the arrays' bytes instead: what a DJL user on ONNX Runtime
 * alone has to write for {@code batchPredict} to run one batch.
 */
final class ConcatenatingBatchifier implements Batchifier {
    private static final long serialVersionUID = 1L;

    /** Joins the records' arrays, position by position, into arrays with a leading batch dimension. */
    @Override
    public NDList batchify(NDList[] records) {
        NDList batch = new NDList();
        for (int position = 0; position < records[0].size(); position++) {
            NDArray first = records[0].get(position);
            long bytesPerRecord = first.getShape().size() * first.getDataType().getNumOfBytes();
            ByteBuffer joined = ByteBuffer.allocateDirect(Math.toIntExact(bytesPerRecord * records.length))
                    .order(ByteOrder.nativeOrder());
            for (NDList record : records) {
                joined.put(record.get(position).toByteBuffer());
            }
            joined.flip();
            batch.add(first.getManager().create(joined, withBatch(first.getShape(), records.length), first.getDataType()));
        }
        return batch;
    }

    /** Splits each array of a batch's output along its first dimension, one list per record. */
    @Override
    public NDList[] unbatchify(NDList batch) {
        int size = Math.toIntExact(batch.get(0).getShape().get(0));
        NDList[] records = new NDList[size];
        for (int i = 0; i < size; i++) {
            records[i] = new NDList();
        }
        for (NDArray array : batch) {
            Shape recordShape = array.getShape().slice(1);
            int bytesPerRecord = Math.toIntExact(recordShape.size() * array.getDataType().getNumOfBytes());
            ByteBuffer all = array.toByteBuffer();
            for (int i = 0; i < size; i++) {
                ByteBuffer one = all.duplicate().position(i * bytesPerRecord).limit((i + 1) * bytesPerRecord)
                        .slice().order(all.order());
                records[i].add(array.getManager().create(one, recordShape, array.getDataType()));
            }
        }
        return records;
    }

    private static Shape withBatch(Shape record, int batchSize) {
        long[] dims = new long[record.dimension() + 1];
        dims[0] = batchSize;
        System.arraycopy(record.getShape(), 0, dims, 1, record.dimension());
        return new Shape(dims);
    }
}
