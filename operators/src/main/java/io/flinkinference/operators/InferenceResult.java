package io.flinkinference.operators;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the model said about one {@link InferenceRequest}: the top-k labels, the CTC-decoded text
 * or raw output tensors (as the manifest's postprocessing says), and where the time went.
 * A Flink POJO.
 */
public class InferenceResult {
    private String id;
    private String model;
    private int modelVersion;
    private String engine;
    private List<Label> labels = new ArrayList<>();
    private String text;
    private List<RawTensor> tensors = new ArrayList<>();
    private long eventTimeMillis;
    private long queueMicros;
    private long inferenceMicros;
    private int batchSize;
    private Map<String, String> metadata = new HashMap<>();

    public InferenceResult() {}

    /** One class and its score. */
    public static class Label {
        private String label;
        private int index;
        private float score;

        public Label() {}

        public Label(String label, int index, float score) {
            this.label = label;
            this.index = index;
            this.score = score;
        }

        public String getLabel() {
            return label;
        }

        public void setLabel(String label) {
            this.label = label;
        }

        public int getIndex() {
            return index;
        }

        public void setIndex(int index) {
            this.index = index;
        }

        public float getScore() {
            return score;
        }

        public void setScore(float score) {
            this.score = score;
        }

        @Override
        public String toString() {
            return label + "=" + score;
        }
    }

    /** One output tensor of one record, as float32 values. */
    public static class RawTensor {
        private String name;
        private long[] shape;
        private float[] values;

        public RawTensor() {}

        public RawTensor(String name, long[] shape, float[] values) {
            this.name = name;
            this.shape = shape;
            this.values = values;
        }

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public long[] getShape() {
            return shape;
        }

        public void setShape(long[] shape) {
            this.shape = shape;
        }

        public float[] getValues() {
            return values;
        }

        public void setValues(float[] values) {
            this.values = values;
        }
    }

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public String getModel() {
        return model;
    }

    public void setModel(String model) {
        this.model = model;
    }

    public int getModelVersion() {
        return modelVersion;
    }

    public void setModelVersion(int modelVersion) {
        this.modelVersion = modelVersion;
    }

    public String getEngine() {
        return engine;
    }

    public void setEngine(String engine) {
        this.engine = engine;
    }

    public List<Label> getLabels() {
        return labels;
    }

    public void setLabels(List<Label> labels) {
        this.labels = labels;
    }

    public String getText() {
        return text;
    }

    public void setText(String text) {
        this.text = text;
    }

    public List<RawTensor> getTensors() {
        return tensors;
    }

    public void setTensors(List<RawTensor> tensors) {
        this.tensors = tensors;
    }

    public long getEventTimeMillis() {
        return eventTimeMillis;
    }

    public void setEventTimeMillis(long eventTimeMillis) {
        this.eventTimeMillis = eventTimeMillis;
    }

    /** Time the record waited in the batcher before its batch was cut. */
    public long getQueueMicros() {
        return queueMicros;
    }

    public void setQueueMicros(long queueMicros) {
        this.queueMicros = queueMicros;
    }

    /** Time the engine took for the whole batch the record was in. */
    public long getInferenceMicros() {
        return inferenceMicros;
    }

    public void setInferenceMicros(long inferenceMicros) {
        this.inferenceMicros = inferenceMicros;
    }

    /** How many records the batch held (before padding). */
    public int getBatchSize() {
        return batchSize;
    }

    public void setBatchSize(int batchSize) {
        this.batchSize = batchSize;
    }

    public Map<String, String> getMetadata() {
        return metadata;
    }

    public void setMetadata(Map<String, String> metadata) {
        this.metadata = metadata;
    }

    /** The best label, or null when the model's postprocessing is not top-k. */
    public String topLabel() {
        return labels.isEmpty() ? null : labels.get(0).getLabel();
    }

    @Override
    public String toString() {
        return "InferenceResult(" + id + ", " + model + ":" + modelVersion + ", "
                + (text != null ? "'" + text + "'" : labels) + ", batch " + batchSize + ")";
    }
}
