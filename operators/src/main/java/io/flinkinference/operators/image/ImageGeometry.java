package io.flinkinference.operators.image;

import io.flinkinference.modelstore.manifest.Preprocessing;

/**
 * One source image's size and the width it is resized to: the target width for {@code stretch};
 * for {@code fit-height-pad} the width that keeps the aspect ratio at the target height, capped at
 * the target width (the rest is padding).
 */
public record ImageGeometry(int height, int width, int resizedWidth) {
    public ImageGeometry {
        if (height < 1 || width < 1 || resizedWidth < 1) {
            throw new IllegalArgumentException("An image needs positive sizes, not " + height + "x" + width);
        }
    }

    public static ImageGeometry of(Preprocessing spec, int height, int width) {
        return new ImageGeometry(height, width, resizedWidth(spec, height, width));
    }

    /** The width an image of this size is resized to; the CPU and GPU paths share it. */
    public static int resizedWidth(Preprocessing spec, int height, int width) {
        return switch (spec.resizeMode()) {
            case STRETCH -> spec.width();
            case FIT_HEIGHT_PAD -> (int) Math.min(spec.width(),
                    Math.max(1, Math.ceil(spec.height() * (double) width / height)));
        };
    }

    /** Source pixels per output pixel along x, as a float division (the kernel gets this very value). */
    public float scaleX() {
        return (float) width / (float) resizedWidth;
    }

    /** Source pixels per output pixel along y for an output {@code outHeight} high. */
    public float scaleY(int outHeight) {
        return (float) height / (float) outHeight;
    }

    /** Bytes of the image as interleaved 8-bit RGB. */
    public long rgbBytes() {
        return 3L * height * width;
    }
}
