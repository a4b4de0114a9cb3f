package io.flinkinference.modelstore.manifest;

import io.flinkinference.modelstore.ModelStoreException.MalformedManifestException;
import io.flinkinference.modelstore.manifest.Preprocessing.ChannelOrder;
import io.flinkinference.modelstore.manifest.Preprocessing.Layout;
import io.flinkinference.modelstore.manifest.Preprocessing.ResizeMode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The preprocessing part of {@code manifest.json}, above all the resize modes and the crop's short side. */
class PreprocessingCodecTest {
    private static final String IMAGENET_224 = "{\"height\":224,\"width\":224,\"layout\":\"NCHW\",\"channelOrder\":\"RGB\","
            + "\"scale\":0.00392156862745098,\"mean\":[0.485,0.456,0.406],\"std\":[0.229,0.224,0.225],";

    @Test
    void aCenterCropManifestRoundTripsWithItsShortSide() {
        Preprocessing crop = imagenet(224, 224, ResizeMode.SHORT_SIDE_CENTER_CROP, 288);
        Manifest manifest = published(crop);

        String json = ManifestCodec.toText(manifest);
        Manifest read = ManifestCodec.decode(json.getBytes(StandardCharsets.UTF_8), "test");

        assertThat(json).contains("\"resizeMode\" : \"short-side-center-crop\"").contains("\"resizeShort\" : 288");
        assertThat(read.preprocessing()).isEqualTo(crop);
        assertThat(read).isEqualTo(manifest);
    }

    @Test
    void theShortSideDefaultsToTheImageNetRatioOfTheCrop() {
        assertThat(spec(IMAGENET_224 + "\"resizeMode\":\"short-side-center-crop\"}").resizeShort()).isEqualTo(256);
        assertThat(Preprocessing.defaultResizeShort(384, 384)).isEqualTo(439); // 384 * 256 / 224 = 438.86
        assertThat(Preprocessing.defaultResizeShort(160, 320)).as("the larger side, so the crop fits").isEqualTo(366);

        // The default is written out, so that the manifest alone says what the model gets.
        Preprocessing defaulted = imagenet(224, 224, ResizeMode.SHORT_SIDE_CENTER_CROP, null);
        assertThat(ManifestCodec.toText(published(defaulted))).contains("\"resizeShort\" : 256");
    }

    @Test
    void manifestsOfTheOlderModesReadAndWriteAsBefore() {
        Preprocessing stretch = spec(IMAGENET_224 + "\"resizeMode\":\"stretch\"}");

        assertThat(stretch.resizeMode()).isEqualTo(ResizeMode.STRETCH);
        assertThat(stretch.resizeShort()).isNull();
        assertThat(ManifestCodec.toText(published(stretch))).doesNotContain("resizeShort");
        assertThat(spec(IMAGENET_224.replace("224", "48") + "\"resizeMode\":\"fit-height-pad\"}").resizeMode())
                .isEqualTo(ResizeMode.FIT_HEIGHT_PAD);
    }

    @Test
    void refusesAShortSideTheCropDoesNotFitInOrThatNoModeTakes() {
        assertThatThrownBy(() -> ManifestCodec.validateDraft(draft(imagenet(224, 224, ResizeMode.SHORT_SIDE_CENTER_CROP, 200)), "m"))
                .isInstanceOf(MalformedManifestException.class)
                .hasMessageContaining("resizeShort 200 is smaller than the 224x224 crop")
                .hasMessageContaining("at least 224");
        assertThatThrownBy(() -> ManifestCodec.validateDraft(draft(imagenet(224, 224, ResizeMode.STRETCH, 256)), "m"))
                .isInstanceOf(MalformedManifestException.class)
                .hasMessageContaining("resizeShort applies to resizeMode short-side-center-crop only, not stretch");
        ManifestCodec.validateDraft(draft(imagenet(224, 224, ResizeMode.SHORT_SIDE_CENTER_CROP, 224)), "m");
    }

    @Test
    void anUnknownModeNamesTheKnownOnes() {
        assertThatThrownBy(() -> spec(IMAGENET_224 + "\"resizeMode\":\"crop\"}"))
                .isInstanceOf(MalformedManifestException.class)
                .hasMessageContaining("Unknown resize mode 'crop'; known: stretch, fit-height-pad, short-side-center-crop");
    }

    private static Preprocessing spec(String json) {
        return ManifestCodec.decodePreprocessing(json.getBytes(StandardCharsets.UTF_8), "spec.json");
    }

    private static Preprocessing imagenet(int height, int width, ResizeMode mode, Integer resizeShort) {
        return new Preprocessing(height, width, Layout.NCHW, ChannelOrder.RGB, 1 / 255.0, List.of(0.485, 0.456, 0.406),
                List.of(0.229, 0.224, 0.225), mode, resizeShort);
    }

    private static Manifest draft(Preprocessing preprocessing) {
        return Manifest.builder("classifier")
                .artifact("model.onnx")
                .inputs(List.of(new TensorSpec("x", DataType.FLOAT32, List.of(-1L, 3L, 224L, 224L), List.of("N"))))
                .outputs(List.of(new TensorSpec("y", DataType.FLOAT32, List.of(-1L, 1000L), List.of("N"))))
                .preprocessing(preprocessing)
                .build();
    }

    private static Manifest published(Preprocessing preprocessing) {
        return draft(preprocessing).published(1, "2026-12-01T00:00:00Z", List.of(new FileEntry("model.onnx", "0".repeat(64), 1)));
    }
}
