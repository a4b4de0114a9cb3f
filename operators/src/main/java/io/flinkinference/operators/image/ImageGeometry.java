package io.flinkinference.operators.image;

import io.flinkinference.modelstore.manifest.Preprocessing;

/**
 * How one source image becomes the model's height x width: it is resized to
 * {@code resizedHeight} x {@code resizedWidth}, and output pixel (x, y) is the resized image's pixel
 * ({@code left + x}, {@code top + y}); output pixels past the resized image's right edge are
 * padding. Per mode:
 * <ul>
 *   <li>{@code stretch}: resized to the target size, nothing cropped or padded;
 *   <li>{@code fit-height-pad}: resized to the target height, the width keeping the aspect ratio
 *       capped at the target width; the rest of the width is padding;
 *   <li>{@code short-side-center-crop}: the short side resized to {@code resizeShort}, the long side
 *       keeping the aspect ratio, and the centre cut out (see {@link #shortSideCenterCrop}).
 * </ul>
 * No mode pads vertically. The CPU path, the GPU kernel and its Java twin all take their geometry
 * from here.
 */
public record ImageGeometry(int height, int width, int resizedHeight, int resizedWidth, int top, int left) {
    public ImageGeometry {
        if (height < 1 || width < 1 || resizedHeight < 1 || resizedWidth < 1) {
            throw new IllegalArgumentException("An image needs positive sizes, not " + height + "x" + width
                    + " resized to " + resizedHeight + "x" + resizedWidth);
        }
        if (top < 0 || left < 0 || top >= resizedHeight || left >= resizedWidth) {
            throw new IllegalArgumentException("The output window starts at (" + left + ", " + top
                    + "), outside the resized " + resizedHeight + "x" + resizedWidth + " image");
        }
    }

    public static ImageGeometry of(Preprocessing spec, int height, int width) {
        return switch (spec.resizeMode()) {
            case STRETCH -> new ImageGeometry(height, width, spec.height(), spec.width(), 0, 0);
            case FIT_HEIGHT_PAD -> new ImageGeometry(height, width, spec.height(), (int) Math.min(spec.width(),
                    Math.max(1, Math.ceil(spec.height() * (double) width / height))), 0, 0);
            case SHORT_SIDE_CENTER_CROP -> shortSideCenterCrop(height, width, spec.resizeShort(), spec.height(), spec.width());
        };
    }

    /**
     * The image as it is, for code that only needs its size (decoding without preprocessing).
     */
    public static ImageGeometry unresized(int height, int width) {
        return new ImageGeometry(height, width, height, width, 0, 0);
    }

    /**
     * torchvision's {@code Resize(shortSide)} then {@code CenterCrop(cropHeight, cropWidth)}, with
     * its rounding, so that the crop lands on the same pixels: the long side becomes
     * {@code floor(shortSide * long / short)}, and each margin {@code (resized - crop) / 2} rounded
     * half to even (Python's {@code round}). The crop must fit: {@code shortSide} at least the
     * larger side of the crop, which the manifest's validation ensures.
     */
    public static ImageGeometry shortSideCenterCrop(int height, int width, int shortSide, int cropHeight, int cropWidth) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("An image needs positive sizes, not " + height + "x" + width);
        }
        int resizedHeight = height <= width ? shortSide : (int) ((long) shortSide * height / width);
        int resizedWidth = height <= width ? (int) ((long) shortSide * width / height) : shortSide;
        if (resizedHeight < cropHeight || resizedWidth < cropWidth) {
            throw new IllegalArgumentException("A " + cropHeight + "x" + cropWidth + " crop does not fit in "
                    + resizedHeight + "x" + resizedWidth + " (short side " + shortSide + ")");
        }
        int top = (int) Math.rint((resizedHeight - cropHeight) / 2.0);
        int left = (int) Math.rint((resizedWidth - cropWidth) / 2.0);
        return new ImageGeometry(height, width, resizedHeight, resizedWidth, top, left);
    }

    /** Source pixels per resized pixel along x, as a float division (the kernel gets this very value). */
    public float scaleX() {
        return (float) width / (float) resizedWidth;
    }

    /** Source pixels per resized pixel along y. */
    public float scaleY() {
        return (float) height / (float) resizedHeight;
    }

    /** Bytes of the image as interleaved 8-bit RGB. */
    public long rgbBytes() {
        return 3L * height * width;
    }
}
