package io.flinkinference.benchmarks.peers;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.manifest.Manifest;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A classifier as a user calls it with ONNX Runtime's Java API and nothing of this project's
 * engine: one session of the model's ONNX file, with one intra-op thread (each consumer thread of
 * the hand-written loop has its own session, so the loop uses as many cores as it has threads,
 * the suite's thread budget), run on a batch of preprocessed images, each row's best class named
 * from the model's labels file. Not thread-safe: one per consumer thread.
 */
final class OrtClassifierSession implements AutoCloseable {
    /** One record's best class. */
    record Best(int index, String label, float score) {}

    private final OrtEnvironment environment = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final String input;
    private final String output;
    private final List<String> labels;
    private final long[] shape;
    private final int valuesPerRecord;

    /** @param recordShape one record's input shape, batch dimension 1 */
    OrtClassifierSession(ModelVersion model, long[] recordShape) throws OrtException {
        Manifest manifest = model.manifest();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            this.session = environment.createSession(model.readModel(), options);
        }
        this.input = manifest.inputs().get(0).name();
        this.output = manifest.postprocessing().output();
        this.labels = model.readLines(manifest.postprocessing().labelsFile());
        this.shape = recordShape.clone();
        long values = 1;
        for (int i = 1; i < recordShape.length; i++) {
            values *= recordShape[i];
        }
        this.valuesPerRecord = Math.toIntExact(values);
    }

    /**
     * Classifies the first {@code count} records of {@code batch} (direct, native order: ONNX
     * Runtime reads it in place).
     */
    List<Best> classify(FloatBuffer batch, int count) throws OrtException {
        long[] batchShape = shape.clone();
        batchShape[0] = count;
        try (OnnxTensor tensor = OnnxTensor.createTensor(environment, batch.slice(0, count * valuesPerRecord), batchShape);
                OrtSession.Result result = session.run(Map.of(input, tensor), Set.of(output))) {
            float[][] scores = (float[][]) result.get(0).getValue();
            List<Best> best = new ArrayList<>(count);
            for (float[] row : scores) {
                int argmax = 0;
                for (int c = 1; c < row.length; c++) {
                    if (row[c] > row[argmax]) {
                        argmax = c;
                    }
                }
                best.add(new Best(argmax, labels.get(argmax), row[argmax]));
            }
            return best;
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
