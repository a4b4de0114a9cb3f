package io.flinkinference.operators.batching;

import io.flinkinference.modelstore.manifest.DataType;
import io.flinkinference.operators.engine.ExecutionContext;
import io.flinkinference.operators.engine.Tensor;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Record tensors over a request's own bytes, and how they reach the context's staging memory. */
class TensorBatchifierTest {

    @Test
    void aRecordTensorReadsTheRequestsLittleEndianFloatsInPlace() {
        byte[] payload = floats(1.5f, -2f, 3.25f);
        Tensor tensor = Tensor.ofRecordBytes(DataType.FLOAT32, new long[] {1, 3}, payload);
        assertThat(tensor.isDirect()).isFalse();
        assertThat(values(tensor)).containsExactly(1.5f, -2f, 3.25f);
        ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, 9f);
        assertThat(values(tensor)[0]).as("no copy was made").isEqualTo(9f);
    }

    @Test
    void evenASingleHeapRecordIsCopiedIntoStagingSoEnginesOnlyEverSeeDirectMemory() {
        StagingContext context = new StagingContext();
        Map<String, Tensor> record = Map.of("x", Tensor.ofRecordBytes(DataType.FLOAT32, new long[] {1, 2}, floats(4f, 5f)));

        Map<String, Tensor> batch = TensorBatchifier.INSTANCE.stack(List.of(record), 1, context);

        assertThat(context.handedOut).hasSize(1);
        assertThat(batch.get("x")).isSameAs(context.handedOut.get(0));
        assertThat(batch.get("x").isDirect()).isTrue();
        assertThat(values(batch.get("x"))).containsExactly(4f, 5f);
    }

    @Test
    void heapRecordsStackInOrderAndPaddingRowsAreZero() {
        StagingContext context = new StagingContext();
        List<Map<String, Tensor>> records = List.of(
                Map.of("x", Tensor.ofRecordBytes(DataType.FLOAT32, new long[] {1, 2}, floats(1f, 2f))),
                Map.of("x", Tensor.ofRecordBytes(DataType.FLOAT32, new long[] {1, 2}, floats(3f, 4f))));

        Map<String, Tensor> batch = TensorBatchifier.INSTANCE.stack(records, 3, context);

        assertThat(batch.get("x").shape()).containsExactly(3, 2);
        assertThat(values(batch.get("x"))).containsExactly(1f, 2f, 3f, 4f, 0f, 0f);
    }

    private static byte[] floats(float... values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            bytes.putFloat(value);
        }
        return bytes.array();
    }

    private static float[] values(Tensor tensor) {
        float[] values = new float[(int) tensor.elementCount()];
        tensor.floats().get(values);
        return values;
    }

    /** Hands out direct staging tensors, filled with leftovers as reused memory would be, and remembers them. */
    private static final class StagingContext implements ExecutionContext {
        final List<Tensor> handedOut = new ArrayList<>();

        @Override
        public Tensor allocateInput(String name, DataType dtype, long[] shape) {
            Tensor tensor = Tensor.allocate(dtype, shape);
            ByteBuffer dirty = tensor.buffer();
            while (dirty.hasRemaining()) {
                dirty.put((byte) 0x7F);
            }
            handedOut.add(tensor);
            return tensor;
        }

        @Override
        public Map<String, Tensor> infer(Map<String, Tensor> inputs) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {}
    }
}
