package io.flinkinference.benchmarks.peers;

import io.flinkinference.modelstore.manifest.DataType;
import io.flinkinference.operators.engine.ExecutionContext;
import io.flinkinference.operators.engine.Tensor;
import io.flinkinference.tools.bench.BatchInputs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;

/**
 * The workload's tensors as batches for the raw engine, written into a caller's staging memory
 * once, as {@code bench}'s engine sweep wants them. Each caller starts at another record, so
 * concurrent callers do not run the very same batch.
 */
final class WorkloadBatches implements BatchInputs {
    private final String inputName;
    private final List<byte[]> tensors;
    private final long[] recordShape;

    WorkloadBatches(Workload workload) {
        if (workload.model().manifest().inputs().size() != 1) {
            throw new IllegalArgumentException("The peer suite serves models of one input; " + workload.model().ref() + " has "
                    + workload.model().manifest().inputs().size() + ".");
        }
        this.inputName = workload.model().manifest().inputs().get(0).name();
        this.tensors = workload.tensors();
        this.recordShape = workload.tensorShape();
    }

    @Override
    public Map<String, Tensor> batch(ExecutionContext context, int batchSize, int caller) {
        long[] shape = recordShape.clone();
        shape[0] = batchSize;
        Tensor batch = context.allocateInput(inputName, DataType.FLOAT32, shape);
        FloatBuffer values = batch.floats();
        for (int row = 0; row < batchSize; row++) {
            byte[] record = tensors.get((caller * batchSize + row) % tensors.size());
            values.put(ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer());
        }
        return Map.of(inputName, batch);
    }

    @Override
    public String description() {
        return tensors.size() + " rendered text lines, preprocessed once";
    }
}
