package io.flinkinference.benchmarks.peers;

import io.flinkinference.avro.InferenceResult;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.operators.translate.ImagePreprocessor;
import io.flinkinference.samples.TextLineImages;
import io.flinkinference.testing.TestModels;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A suite workload of rendered text lines for the orientation classifier ({@code ppocr-cls}), whose
 * right answers are known, and the answers a contestant gave, by record id.
 */
final class TextLineWorkload {
    /** Distinct lines; the offers cycle through them. */
    static final int LINES = 64;

    private final List<TextLineImages.Sample> samples = new TextLineImages(18).samples(LINES);
    private final Workload workload;

    TextLineWorkload(String bootstrapServers, int threads, Duration warmUp) {
        ModelVersion classifier = TestModels.classifier();
        ImagePreprocessor preprocessor = new ImagePreprocessor(classifier.manifest().preprocessing());
        List<byte[]> pngs = new ArrayList<>();
        List<byte[]> tensors = new ArrayList<>();
        for (TextLineImages.Sample sample : samples) {
            pngs.add(sample.png());
            ByteBuffer tensor = ByteBuffer.allocate(preprocessor.valuesPerImage() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            preprocessor.write(sample.image(), tensor.asFloatBuffer(), 0);
            tensors.add(tensor.array());
        }
        this.workload = new Workload(classifier, pngs, tensors, preprocessor.inputShape(1), threads, warmUp, bootstrapServers);
    }

    Workload workload() {
        return workload;
    }

    /** Collects a contestant's answers: the best label of each id. */
    static final class Answers implements Consumer<InferenceResult> {
        private final Map<String, String> labels = new ConcurrentHashMap<>();

        @Override
        public void accept(InferenceResult answer) {
            labels.put(answer.getId(), answer.getLabels().get(0).getLabel());
        }

        Map<String, String> labels() {
            return Map.copyOf(labels);
        }
    }

    /** The share of {@code answers} whose label is the line's known orientation; fails without answers. */
    double accuracy(Answers answers) {
        Map<String, String> labels = answers.labels();
        if (labels.isEmpty()) {
            throw new AssertionError("No answers");
        }
        long right = labels.entrySet().stream()
                .filter(e -> e.getValue().equals(samples.get(ImageOffers.imageIndex(e.getKey(), LINES)).orientationLabel()))
                .count();
        return (double) right / labels.size();
    }
}
