package io.flinkinference.tools.setup;

import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.manifest.Manifest;
import io.flinkinference.samples.models.PaddleOcrModels;
import io.flinkinference.testing.TestModels;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rendered lines follow the pipeline: the recognizer only ever reads lines the orientation
 * classifier has turned upright, the classifier must tell both apart. Decided from the real
 * manifests' postprocessing, not from the models' names.
 */
class SampleImagesTest {
    @Test
    void aRecognizersRenderedLinesAreAllUprightAClassifiersHalfUpsideDown() {
        Manifest recognizer = TestModels.store().resolve(ModelRef.latest(PaddleOcrModels.RECOGNIZER)).manifest();
        Manifest classifier = TestModels.store().resolve(ModelRef.latest(PaddleOcrModels.CLASSIFIER)).manifest();

        SampleImages forRecognizer = SampleImages.renderedTextLines(200, 7, recognizer);
        assertThat(forRecognizer.size()).isEqualTo(200);
        assertThat(forRecognizer.orientations()).hasSize(200).containsOnly("0");
        assertThat(forRecognizer.description()).contains("200 rendered text lines, all upright");

        SampleImages forClassifier = SampleImages.renderedTextLines(200, 7, classifier);
        assertThat(forClassifier.orientations()).hasSize(200).contains("0", "180");
        long upsideDown = forClassifier.orientations().stream().filter("180"::equals).count();
        assertThat(upsideDown).as("about half of 200 seeded lines").isBetween(70L, 130L);
        assertThat(forClassifier.description()).contains("half of them upside down");

        // The lineage's set hash tells the two sets apart, and each is reproducible from its seed.
        assertThat(forRecognizer.hash()).isNotEqualTo(forClassifier.hash())
                .isEqualTo(SampleImages.renderedTextLines(200, 7, recognizer).hash());
    }
}
