package io.flinkinference.engine.onnxruntime;

import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.manifest.Manifest;
import io.flinkinference.testing.TestModels;
import io.flinkinference.operators.engine.Engines;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.operators.engine.Tensor;
import io.flinkinference.samples.TextLineImages;
import io.flinkinference.samples.TextLineImages.Sample;
import io.flinkinference.operators.translate.ImagePreprocessor;
import io.flinkinference.operators.translate.TopKDecoder;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real orientation classifier, end to end through the engine SPI: text lines rendered with
 * Java2D (fresh random words each run), half of them turned 180 degrees.
 */
class OrientationClassifierTest {

    @Test
    void classifiesAtLeast95PercentOfRenderedLinesCorrectly() {
        ModelVersion model = TestModels.classifier();
        Manifest manifest = model.manifest();
        ImagePreprocessor preprocessor = new ImagePreprocessor(manifest.preprocessing());
        List<String> labels = model.readLines(manifest.postprocessing().labelsFile());
        TopKDecoder topK = new TopKDecoder(labels, 1);
        // A fixed seed: the same 200 lines every run, so the threshold is either met or not, never by luck.
        long seed = 20261201L;
        List<Sample> samples = new TextLineImages(seed).samples(200);

        int correct = 0;
        try (InferenceEngine engine = Engines.provider("onnxruntime").open(model, new Configuration(), -1)) {
            for (int start = 0; start < samples.size(); start += 32) {
                List<Sample> batch = samples.subList(start, Math.min(samples.size(), start + 32));
                Tensor input = preprocessor.batch(batch.stream().map(Sample::image).toList());
                Tensor scores = engine.infer(Map.of("x", input)).get(manifest.postprocessing().output());
                for (int i = 0; i < batch.size(); i++) {
                    if (topK.decode(scores, i).get(0).label().equals(batch.get(i).orientationLabel())) {
                        correct++;
                    }
                }
            }
        }

        assertThat(samples).filteredOn(Sample::rotated).hasSizeBetween(60, 140);
        assertThat(correct).as("correct of 200 (seed %d)", seed).isGreaterThanOrEqualTo(190);
    }
}
