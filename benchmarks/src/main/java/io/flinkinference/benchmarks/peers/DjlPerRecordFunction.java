package io.flinkinference.benchmarks.peers;

import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.ZooModel;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * DJL in a Flink map function the way DJL's own Flink example uses it: the model loaded in
 * {@code open}, a predictor per subtask, one {@code predict} per record.
 */
final class DjlPerRecordFunction extends RichMapFunction<TensorRecord, Answer> {
    private static final long serialVersionUID = 1L;
    private final DjlModel model;
    private transient ZooModel<byte[], int[]> loaded;
    private transient Predictor<byte[], int[]> predictor;

    DjlPerRecordFunction(DjlModel model) {
        this.model = model;
    }

    @Override
    public void open(OpenContext context) throws Exception {
        loaded = model.load();
        predictor = loaded.newPredictor();
    }

    @Override
    public Answer map(TensorRecord record) throws Exception {
        predictor.predict(record.tensor());
        return Answer.of(record);
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
