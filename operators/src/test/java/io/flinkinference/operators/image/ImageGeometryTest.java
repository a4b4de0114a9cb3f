package io.flinkinference.operators.image;

import io.flinkinference.modelstore.manifest.Preprocessing;
import io.flinkinference.modelstore.manifest.Preprocessing.ChannelOrder;
import io.flinkinference.modelstore.manifest.Preprocessing.Layout;
import io.flinkinference.modelstore.manifest.Preprocessing.ResizeMode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where each mode puts a source image in the model's input; the CPU and GPU paths both read it. */
class ImageGeometryTest {
    private static final Preprocessing IMAGENET = spec(224, 224, ResizeMode.SHORT_SIDE_CENTER_CROP, null);

    @Test
    void centerCropOfALandscapeImageResizesItsHeightAndCutsTheMiddleOfItsWidth() {
        // 480 high, 640 wide: 256 x floor(256 * 640 / 480 = 341.3); margins (341 - 224) / 2 = 58.5 and 16.
        assertThat(ImageGeometry.of(IMAGENET, 480, 640)).isEqualTo(new ImageGeometry(480, 640, 256, 341, 16, 58));
    }

    @Test
    void centerCropOfAPortraitImageResizesItsWidthAndCutsTheMiddleOfItsHeight() {
        assertThat(ImageGeometry.of(IMAGENET, 640, 480)).isEqualTo(new ImageGeometry(640, 480, 341, 256, 58, 16));
        // 500 x 375 as in many ImageNet photos: 341.33 -> 341, and 58.5 rounds half to even like Python's round.
        assertThat(ImageGeometry.of(IMAGENET, 500, 375)).isEqualTo(new ImageGeometry(500, 375, 341, 256, 58, 16));
        // Half to even rounds 59.5 up: 256 * 503 / 375 = 343.4 -> 343, (343 - 224) / 2 = 59.5 -> 60.
        assertThat(ImageGeometry.of(IMAGENET, 503, 375)).isEqualTo(new ImageGeometry(503, 375, 343, 256, 60, 16));
    }

    @Test
    void centerCropOfASquareImageHasEqualMargins() {
        assertThat(ImageGeometry.of(IMAGENET, 500, 500)).isEqualTo(new ImageGeometry(500, 500, 256, 256, 16, 16));
        assertThat(ImageGeometry.of(spec(224, 224, ResizeMode.SHORT_SIDE_CENTER_CROP, 224), 300, 300))
                .as("a short side equal to the crop cuts nothing").isEqualTo(new ImageGeometry(300, 300, 224, 224, 0, 0));
    }

    @Test
    void centerCropEnlargesImagesSmallerThanTheCropAndKeepsThinOnesInProportion() {
        assertThat(ImageGeometry.of(IMAGENET, 10, 20)).isEqualTo(new ImageGeometry(10, 20, 256, 512, 16, 144));
        assertThat(ImageGeometry.of(IMAGENET, 1, 1)).isEqualTo(new ImageGeometry(1, 1, 256, 256, 16, 16));
        assertThat(ImageGeometry.of(IMAGENET, 3, 1000)).isEqualTo(new ImageGeometry(3, 1000, 256, 85333, 16, 42554));
    }

    @Test
    void aNonSquareCropTakesItsShortSideFromTheLargerCropSide() {
        Preprocessing wide = spec(160, 320, ResizeMode.SHORT_SIDE_CENTER_CROP, null); // short side 366
        ImageGeometry square = ImageGeometry.of(wide, 400, 400);

        assertThat(square).isEqualTo(new ImageGeometry(400, 400, 366, 366, 103, 23));
        assertThatThrownBy(() -> ImageGeometry.shortSideCenterCrop(400, 400, 300, 160, 320))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("A 160x320 crop does not fit in 300x300 (short side 300)");
    }

    @Test
    void theOtherModesNeitherCropNorShiftAndResizeToTheTargetHeight() {
        assertThat(ImageGeometry.of(spec(224, 224, ResizeMode.STRETCH, null), 480, 640))
                .isEqualTo(new ImageGeometry(480, 640, 224, 224, 0, 0));
        Preprocessing textLine = spec(48, 192, ResizeMode.FIT_HEIGHT_PAD, null);
        assertThat(ImageGeometry.of(textLine, 32, 100)).isEqualTo(new ImageGeometry(32, 100, 48, 150, 0, 0));
        assertThat(ImageGeometry.of(textLine, 10, 1000)).as("capped").isEqualTo(new ImageGeometry(10, 1000, 48, 192, 0, 0));
    }

    @Test
    void scalesAreSourcePixelsPerResizedPixel() {
        ImageGeometry photo = ImageGeometry.of(IMAGENET, 480, 640);

        assertThat(photo.scaleX()).isEqualTo(640f / 341f);
        assertThat(photo.scaleY()).isEqualTo(480f / 256f);
        assertThat(ImageGeometry.unresized(7, 9).scaleX()).isEqualTo(1f);
    }

    private static Preprocessing spec(int height, int width, ResizeMode mode, Integer resizeShort) {
        return new Preprocessing(height, width, Layout.NCHW, ChannelOrder.RGB, 1 / 255.0, List.of(0.0, 0.0, 0.0),
                List.of(1.0, 1.0, 1.0), mode, resizeShort);
    }
}
