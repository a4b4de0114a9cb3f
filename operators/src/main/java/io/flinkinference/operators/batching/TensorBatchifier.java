package io.flinkinference.operators.batching;

import io.flinkinference.operators.engine.ExecutionContext;
import io.flinkinference.operators.engine.Tensor;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Records of named tensors, each with batch dimension 1, stacked along the first dimension. Records
 * batch only with records of the same shapes without the batch dimension, so a dynamic-width text
 * line of 96 pixels never meets one of 192.
 */
public enum TensorBatchifier implements Batchifier<Map<String, Tensor>> {
    INSTANCE;

    @Override
    public Object bucketKey(Map<String, Tensor> record) {
        Map<String, List<Long>> shapes = new TreeMap<>();
        record.forEach((name, tensor) -> {
            long[] shape = tensor.shape();
            List<Long> rest = new ArrayList<>(shape.length);
            for (int i = 1; i < shape.length; i++) {
                rest.add(shape[i]);
            }
            shapes.put(name + ":" + tensor.dtype(), rest);
        });
        return shapes;
    }

    /**
     * One record that needs no padding and is already off the heap goes to the engine as it is;
     * otherwise the rows are copied into the context's staging memory, with zero rows up to
     * {@code rows}.
     */
    @Override
    public Map<String, Tensor> stack(List<Map<String, Tensor>> records, int rows, ExecutionContext context) {
        if (records.size() == 1 && rows == 1 && records.get(0).values().stream().allMatch(Tensor::isDirect)) {
            return records.get(0);
        }
        Map<String, Tensor> stacked = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> first : records.get(0).entrySet()) {
            long[] shape = first.getValue().shape();
            shape[0] = rows;
            Tensor tensor = context.allocateInput(first.getKey(), first.getValue().dtype(), shape);
            ByteBuffer target = tensor.buffer();
            for (Map<String, Tensor> record : records) {
                target.put(record.get(first.getKey()).buffer());
            }
            zeroRest(target); // padding rows; staging memory may hold an earlier batch
            stacked.put(first.getKey(), tensor);
        }
        return stacked;
    }

    private static void zeroRest(ByteBuffer target) {
        while (target.remaining() >= Long.BYTES) {
            target.putLong(0);
        }
        while (target.hasRemaining()) {
            target.put((byte) 0);
        }
    }
}
