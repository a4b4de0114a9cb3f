package io.flinkinference.operators.ocr;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The widths that recognition batches are cut at. Every line crop is resized to the recognizer's
 * height keeping its aspect ratio ({@link #resizedWidth}), then padded on the right to its bucket
 * ({@link #bucketFor}), the smallest bucket width not below it; crops of one bucket share a batch
 * (the bucket width is the batch key). Buckets grow geometrically, each about {@code growth} times
 * the one before and rounded up to a multiple of {@code step}, the last one exactly
 * {@code maxWidth}: with the defaults, 19 buckets cover 16 to 1280 pixels, and since no bucket is more than
 * twice the one before it, no crop is padded to more than twice its own width (padding is wasted
 * compute, and in CTC it is a run of blanks the model has to learn to ignore).
 */
public final class WidthBuckets {
    /** PP-OCRv4 rec's input height. */
    public static final int DEFAULT_HEIGHT = 48;
    /** The widest input: PaddleOCR's {@code max_text_length} of 25 characters is far below this, but lines of a page are not. */
    public static final int DEFAULT_MAX_WIDTH = 1280;
    /** The narrowest input: a third of a square character at height 48; narrower crops are stretched to it. */
    public static final int DEFAULT_MIN_WIDTH = 16;
    /** Bucket widths are multiples of 8, the recognizer's horizontal stride. */
    public static final int DEFAULT_STEP = 8;
    public static final double DEFAULT_GROWTH = 1.25;

    private final int height;
    private final int minWidth;
    private final int maxWidth;
    private final int[] widths;

    public WidthBuckets(int height, int minWidth, int maxWidth, int step, double growth) {
        if (height < 1 || step < 1 || minWidth < step || minWidth % step != 0 || maxWidth < minWidth || maxWidth % step != 0) {
            throw new IllegalArgumentException("Width buckets need a positive height and step, and min and max widths that are"
                    + " multiples of the step with min <= max; got height " + height + ", min " + minWidth + ", max "
                    + maxWidth + ", step " + step);
        }
        if (!(growth > 1.0 && growth <= 2.0)) {
            throw new IllegalArgumentException("Each bucket must grow by more than 1x and at most 2x, not " + growth);
        }
        this.height = height;
        this.minWidth = minWidth;
        this.maxWidth = maxWidth;
        List<Integer> list = new ArrayList<>();
        int width = minWidth;
        list.add(width);
        while (width < maxWidth) {
            // Rounding up to the step may pass growth x width; for small widths the step itself may
            // be more than 2x, hence the cap at twice the previous bucket (itself a multiple of the step).
            int next = Math.max(width + step, roundUp((int) Math.ceil(width * growth), step));
            width = Math.min(maxWidth, Math.min(next, 2 * width));
            list.add(width);
        }
        this.widths = list.stream().mapToInt(Integer::intValue).toArray();
    }

    /** PP-OCRv4 rec's buckets: height 48, widths 16 to 1280 in steps of about 1.25x, multiples of 8. */
    public static WidthBuckets defaults() {
        return new WidthBuckets(DEFAULT_HEIGHT, DEFAULT_MIN_WIDTH, DEFAULT_MAX_WIDTH, DEFAULT_STEP, DEFAULT_GROWTH);
    }

    public int height() {
        return height;
    }

    /** The bucket widths, ascending. */
    public int[] widths() {
        return widths.clone();
    }

    /**
     * The width of a {@code cropHeight} x {@code cropWidth} crop resized to the recognizer's height
     * with its aspect ratio kept, clamped to [min width, max width]: longer lines are squeezed
     * (as PaddleOCR does), narrower ones stretched.
     */
    public int resizedWidth(int cropHeight, int cropWidth) {
        if (cropHeight < 1 || cropWidth < 1) {
            throw new IllegalArgumentException("A crop needs positive sizes, not " + cropHeight + "x" + cropWidth);
        }
        long width = (long) Math.ceil((double) height * cropWidth / cropHeight);
        return (int) Math.max(minWidth, Math.min(maxWidth, width));
    }

    /** The smallest bucket at least {@code resizedWidth} wide, for a width from {@link #resizedWidth}. */
    public int bucketFor(int resizedWidth) {
        if (resizedWidth < minWidth || resizedWidth > maxWidth) {
            throw new IllegalArgumentException("A resized width must lie in [" + minWidth + ", " + maxWidth + "], not " + resizedWidth);
        }
        int index = Arrays.binarySearch(widths, resizedWidth);
        return widths[index >= 0 ? index : -index - 1];
    }

    private static int roundUp(int value, int step) {
        return (value + step - 1) / step * step;
    }
}
