package io.flinkinference.operators.ocr;

/**
 * The text detector's input size for one image, PaddleOCR's {@code limit_type: max}: the image is
 * shrunk (never enlarged) so that its longer side is at most {@code maxSide}, then each side is
 * rounded to the nearest multiple of 32, because the detector's backbone halves the resolution five
 * times and its upsampling path must land back on the same grid. No side goes below 32 or above the
 * largest multiple of 32 not past {@code maxSide}. The image is stretched to this size (no padding),
 * so the probability map covers the whole image and {@link #scaleX()} / {@link #scaleY()} map a
 * point of the map back to the original image.
 */
public record DetectionResize(int height, int width, int resizedHeight, int resizedWidth) {
    /** PaddleOCR's default {@code limit_side_len}. */
    public static final int DEFAULT_MAX_SIDE = 960;
    /** The detector's total stride: both input sides must be multiples of it. */
    public static final int STRIDE = 32;

    public DetectionResize {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("An image needs positive sizes, not " + height + "x" + width);
        }
        if (resizedHeight < STRIDE || resizedWidth < STRIDE || resizedHeight % STRIDE != 0 || resizedWidth % STRIDE != 0) {
            throw new IllegalArgumentException("The detector's input must be multiples of " + STRIDE + ", not "
                    + resizedHeight + "x" + resizedWidth);
        }
    }

    /** The detector's input for a {@code height} x {@code width} image with the default max side (960). */
    public static DetectionResize of(int height, int width) {
        return of(height, width, DEFAULT_MAX_SIDE);
    }

    public static DetectionResize of(int height, int width, int maxSide) {
        if (maxSide < STRIDE) {
            throw new IllegalArgumentException("The detector's max side must be at least " + STRIDE + ", not " + maxSide);
        }
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("An image needs positive sizes, not " + height + "x" + width);
        }
        int longer = Math.max(height, width);
        double ratio = longer > maxSide ? (double) maxSide / longer : 1.0;
        int ceiling = maxSide / STRIDE * STRIDE;
        return new DetectionResize(height, width, toStride(height * ratio, ceiling), toStride(width * ratio, ceiling));
    }

    private static int toStride(double side, int ceiling) {
        long rounded = Math.round(side / STRIDE) * STRIDE;
        return (int) Math.max(STRIDE, Math.min(ceiling, rounded));
    }

    /** Original pixels per detector pixel along x: multiply a map's x by it to get the image's x. */
    public double scaleX() {
        return (double) width / resizedWidth;
    }

    /** Original pixels per detector pixel along y. */
    public double scaleY() {
        return (double) height / resizedHeight;
    }
}
