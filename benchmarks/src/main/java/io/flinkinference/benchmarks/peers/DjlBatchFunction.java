package io.flinkinference.benchmarks.peers;

import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.ZooModel;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.List;

/**
 * DJL with naive fixed batching, as a user would first write it: records are buffered until
 * {@code batchSize} are there, then one {@code batchPredict} answers them all. There is no timeout
 * on purpose: below capacity a record waits for the next ones to fill its batch, which is what
 * the suite shows. The partial buffer is flushed at end of input ({@link FlushAtEndOfInput}).
 */
final class DjlBatchFunction extends RichFlatMapFunction<TensorRecord, Answer> {
    private static final long serialVersionUID = 1L;
    private final DjlModel model;
    private final int batchSize;
    private transient ZooModel<byte[], int[]> loaded;
    private transient Predictor<byte[], int[]> predictor;
    private transient List<TensorRecord> buffer;

    DjlBatchFunction(DjlModel model, int batchSize) {
        if (batchSize < 2) {
            throw new IllegalArgumentException("A batch needs at least 2 records, not " + batchSize);
        }
        this.model = model;
        this.batchSize = batchSize;
    }

    @Override
    public void open(OpenContext context) throws Exception {
        loaded = model.load();
        predictor = loaded.newPredictor();
        buffer = new ArrayList<>(batchSize);
    }

    @Override
    public void flatMap(TensorRecord record, Collector<Answer> out) throws Exception {
        buffer.add(record);
        if (buffer.size() == batchSize) {
            flush(out);
        }
    }

    /** Answers what is buffered, in one batch. */
    void flush(Collector<Answer> out) throws Exception {
        if (buffer.isEmpty()) {
            return;
        }
        List<byte[]> tensors = new ArrayList<>(buffer.size());
        for (TensorRecord record : buffer) {
            tensors.add(record.tensor());
        }
        predictor.batchPredict(tensors);
        for (TensorRecord record : buffer) {
            out.collect(Answer.of(record));
        }
        buffer.clear();
    }

    @Override
    public void close() {
        if (predictor != null) {
            predictor.close();
        }
        if (loaded != null) {
            loaded.close();
        }
    }
}
