package io.flinkinference.operators.ocr;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WidthBucketsTest {
    private final WidthBuckets buckets = WidthBuckets.defaults();

    @Test
    void bucketsRunFromTheMinToTheMaxWidthInFewStepsOfTheStride() {
        int[] widths = buckets.widths();

        assertThat(widths[0]).isEqualTo(16);
        assertThat(widths[widths.length - 1]).isEqualTo(1280);
        assertThat(widths.length).isLessThanOrEqualTo(20);
        assertThat(Arrays.stream(widths).allMatch(w -> w % 8 == 0)).isTrue();
        for (int i = 1; i < widths.length; i++) {
            assertThat(widths[i]).isGreaterThan(widths[i - 1]).isLessThanOrEqualTo(2 * widths[i - 1]);
        }
    }

    @Test
    void noCropIsPaddedToMoreThanTwiceItsWidth() {
        Random random = new Random(12);
        Set<Integer> used = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            int cropHeight = 8 + random.nextInt(200);
            int cropWidth = 1 + random.nextInt(40 * cropHeight);
            int resized = buckets.resizedWidth(cropHeight, cropWidth);
            int bucket = buckets.bucketFor(resized);

            assertThat(bucket).isGreaterThanOrEqualTo(resized).isLessThanOrEqualTo(2 * resized);
            used.add(bucket);
        }
        assertThat(used.size()).isLessThanOrEqualTo(buckets.widths().length);
    }

    @Test
    void everyWidthFromTheMinToTheMaxHasABucketNoMoreThanTwiceAsWide() {
        for (int width = 16; width <= 1280; width++) {
            assertThat(buckets.bucketFor(width)).isBetween(width, 2 * width);
        }
    }

    @Test
    void resizingKeepsTheAspectRatioAtHeight48WithinTheLimits() {
        assertThat(buckets.resizedWidth(32, 320)).isEqualTo(480);
        assertThat(buckets.resizedWidth(48, 100)).isEqualTo(100);
        assertThat(buckets.resizedWidth(30, 31)).isEqualTo(50); // 49.6 rounded up
        assertThat(buckets.resizedWidth(40, 4000)).isEqualTo(1280); // squeezed
        assertThat(buckets.resizedWidth(100, 5)).isEqualTo(16); // stretched
    }

    @Test
    void aWidthOnABucketIsNotPadded() {
        for (int width : buckets.widths()) {
            assertThat(buckets.bucketFor(width)).isEqualTo(width);
        }
    }

    @Test
    void refusesWidthsOutsideTheBucketsAndBadSettings() {
        assertThatThrownBy(() -> buckets.bucketFor(1281)).hasMessageContaining("[16, 1280]");
        assertThatThrownBy(() -> new WidthBuckets(48, 16, 1280, 8, 2.5)).hasMessageContaining("at most 2x");
        assertThatThrownBy(() -> new WidthBuckets(48, 12, 1280, 8, 1.25)).hasMessageContaining("multiples of the step");
    }
}
