package io.flinkinference.benchmarks.peers;

import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.operators.translate.ImagePreprocessor;
import io.flinkinference.samples.TextLineImages;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the {@link Workload} every contestant of a suite run serves: rendered text lines from a
 * fixed seed (so every JVM of the run, and every later run, renders the same ones), as PNG and as
 * the tensors the model's own preprocessing makes of them, as the batching benchmark does.
 */
public final class Workloads {
    /** The seed of the text lines; fixed, so that runs are comparable. */
    public static final long SEED = 42;
    /** Distinct records, cycled through: enough that no cache holds one answer for every record. */
    public static final int DISTINCT_RECORDS = 256;

    private Workloads() {}

    public static Workload of(ModelVersion model, int distinct, int threads, Duration warmUp, String bootstrapServers) {
        ImagePreprocessor preprocessor = new ImagePreprocessor(model.manifest().preprocessing());
        List<byte[]> images = new ArrayList<>(distinct);
        List<byte[]> tensors = new ArrayList<>(distinct);
        for (TextLineImages.Sample sample : new TextLineImages(SEED).samples(distinct)) {
            images.add(sample.png());
            tensors.add(littleEndian(preprocessor.batch(List.of(sample.image())).floats()));
        }
        return new Workload(model, images, tensors, preprocessor.inputShape(1), threads, warmUp, bootstrapServers);
    }

    /** The floats as an {@code InferenceRequest.tensor} carries them. */
    static byte[] littleEndian(FloatBuffer values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.remaining() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values.duplicate());
        return bytes.array();
    }
}
