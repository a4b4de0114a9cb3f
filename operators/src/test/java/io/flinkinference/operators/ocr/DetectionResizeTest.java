package io.flinkinference.operators.ocr;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class DetectionResizeTest {
    @Test
    void shrinksALandscapePhotoSoItsLongerSideIsTheMaxSide() {
        DetectionResize resize = DetectionResize.of(1080, 1920);

        assertThat(resize.resizedWidth()).isEqualTo(960);
        assertThat(resize.resizedHeight()).isEqualTo(544); // 540 rounded to the nearest multiple of 32
        assertThat(resize.scaleX()).isEqualTo(2.0);
        assertThat(resize.scaleY()).isCloseTo(1080.0 / 544, within(1e-12));
    }

    @Test
    void shrinksAPortraitScanAlongItsHeight() {
        DetectionResize resize = DetectionResize.of(3508, 2480); // A4 at 300 dpi

        assertThat(resize.resizedHeight()).isEqualTo(960);
        assertThat(resize.resizedWidth()).isEqualTo(672); // 678.7 -> 672
        assertThat(resize.scaleY() * resize.resizedHeight()).isCloseTo(3508, within(1e-9));
        assertThat(resize.scaleX() * resize.resizedWidth()).isCloseTo(2480, within(1e-9));
    }

    @Test
    void keepsASmallImageAtItsSizeRoundedToTheStride() {
        DetectionResize resize = DetectionResize.of(100, 300);

        assertThat(resize.resizedHeight()).isEqualTo(96);
        assertThat(resize.resizedWidth()).isEqualTo(288);
    }

    @Test
    void neverGoesBelowOneStride() {
        DetectionResize tiny = DetectionResize.of(3, 7);
        DetectionResize sliver = DetectionResize.of(20, 5000);

        assertThat(tiny.resizedHeight()).isEqualTo(32);
        assertThat(tiny.resizedWidth()).isEqualTo(32);
        assertThat(sliver.resizedWidth()).isEqualTo(960);
        assertThat(sliver.resizedHeight()).isEqualTo(32); // 3.84 would round to 0
    }

    @Test
    void keepsAHugeImageWithinTheMaxSideAndItsAspectRatioToAStride() {
        DetectionResize resize = DetectionResize.of(20000, 15000);

        assertThat(resize.resizedHeight()).isEqualTo(960);
        assertThat(resize.resizedWidth()).isEqualTo(736); // 720 is 22.5 strides: rounds to 23
        assertThat(resize.resizedWidth()).isCloseTo(720, within(16)); // at most half a stride off the exact aspect
    }

    @Test
    void aMaxSideThatIsNoMultipleOfTheStrideIsNeverPassed() {
        DetectionResize resize = DetectionResize.of(1000, 1000, 1000);

        assertThat(resize.resizedHeight()).isEqualTo(992);
        assertThat(resize.resizedWidth()).isEqualTo(992);
    }

    @Test
    void everySizeIsAMultipleOfTheStrideWithinTheMaxSide() {
        for (int height = 1; height <= 3000; height += 37) {
            for (int width = 1; width <= 3000; width += 41) {
                DetectionResize resize = DetectionResize.of(height, width, 640);
                assertThat(resize.resizedHeight() % 32).isZero();
                assertThat(resize.resizedWidth() % 32).isZero();
                assertThat(Math.max(resize.resizedHeight(), resize.resizedWidth())).isBetween(32, 640);
            }
        }
    }

    @Test
    void refusesAMaxSideBelowOneStrideAndEmptyImages() {
        assertThatThrownBy(() -> DetectionResize.of(100, 100, 16)).hasMessageContaining("at least 32");
        assertThatThrownBy(() -> DetectionResize.of(0, 100)).hasMessageContaining("positive sizes");
    }
}
