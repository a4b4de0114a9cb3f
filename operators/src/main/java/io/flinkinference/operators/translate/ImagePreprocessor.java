package io.flinkinference.operators.translate;

import io.flinkinference.modelstore.manifest.DataType;
import io.flinkinference.modelstore.manifest.Preprocessing;
import io.flinkinference.modelstore.manifest.Preprocessing.Layout;
import io.flinkinference.operators.engine.Tensor;
import io.flinkinference.operators.image.ChannelTransform;
import io.flinkinference.operators.image.ImageGeometry;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * Turns decoded images into a model's float input exactly as its manifest's {@link Preprocessing}
 * says: resize (bilinear), channel order, {@code (pixel * scale - mean) / std} per channel, layout.
 * Areas left by {@code fit-height-pad} stay 0 after normalization, as in PaddleOCR;
 * {@code short-side-center-crop} resizes the short side and keeps the centre. The geometry of
 * every mode comes from {@link ImageGeometry}, which the GPU path shares.
 */
public final class ImagePreprocessor {
    private final Preprocessing spec;
    private final int channels;
    private final float[] multiply;
    private final float[] add;

    public ImagePreprocessor(Preprocessing spec) {
        this.spec = spec;
        this.channels = spec.channels();
        // (p * scale - mean) / std == p * (scale / std) + (-mean / std): one multiply-add per value,
        // folded the same way as for the GPU kernel.
        ChannelTransform transform = ChannelTransform.of(spec);
        this.multiply = transform.multiply();
        this.add = transform.add();
    }

    public Preprocessing spec() {
        return spec;
    }

    /** The input shape for a batch of {@code batchSize} images. */
    public long[] inputShape(int batchSize) {
        return spec.layout() == Layout.NCHW
                ? new long[] {batchSize, channels, spec.height(), spec.width()}
                : new long[] {batchSize, spec.height(), spec.width(), channels};
    }

    public int valuesPerImage() {
        return channels * spec.height() * spec.width();
    }

    /** Preprocesses a batch into a new float32 tensor. */
    public Tensor batch(List<BufferedImage> images) {
        Tensor tensor = Tensor.allocate(DataType.FLOAT32, inputShape(images.size()));
        FloatBuffer values = tensor.floats();
        for (int i = 0; i < images.size(); i++) {
            write(images.get(i), values, i);
        }
        return tensor;
    }

    /** Writes one image at position {@code index} of a batch buffer. */
    public void write(BufferedImage image, FloatBuffer batch, int index) {
        int height = spec.height();
        int width = spec.width();
        ImageGeometry geometry = ImageGeometry.of(spec, image.getHeight(), image.getWidth());
        // Columns past the resized image's right edge are padding (fit-height-pad); no mode pads rows.
        int visibleWidth = Math.min(width, geometry.resizedWidth() - geometry.left());
        int[] argb = resize(image, geometry, visibleWidth, height).getRGB(0, 0, visibleWidth, height, null, 0, visibleWidth);

        int base = index * valuesPerImage();
        int plane = height * width;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                boolean padding = x >= visibleWidth;
                int pixel = padding ? 0 : argb[y * visibleWidth + x];
                int r = (pixel >> 16) & 0xff;
                int g = (pixel >> 8) & 0xff;
                int b = pixel & 0xff;
                for (int c = 0; c < channels; c++) {
                    float value;
                    if (padding) {
                        value = 0f;
                    } else {
                        int raw = switch (spec.channelOrder()) {
                            case RGB -> c == 0 ? r : c == 1 ? g : b;
                            case BGR -> c == 0 ? b : c == 1 ? g : r;
                            case GRAY -> (int) Math.round(0.299 * r + 0.587 * g + 0.114 * b);
                        };
                        value = raw * multiply[c] + add[c];
                    }
                    int offset = spec.layout() == Layout.NCHW
                            ? c * plane + y * width + x
                            : (y * width + x) * channels + c;
                    batch.put(base + offset, value);
                }
            }
        }
    }

    /**
     * The part of the resized image that the output shows, {@code width} x {@code height}. The image
     * is drawn at its full resized size, shifted by the crop offsets, so Java2D computes only the
     * pixels inside the target: a centre crop costs no more than the crop itself.
     */
    private static BufferedImage resize(BufferedImage image, ImageGeometry geometry, int width, int height) {
        BufferedImage target = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = target.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(image, -geometry.left(), -geometry.top(), geometry.resizedWidth(), geometry.resizedHeight(), null);
        } finally {
            g.dispose();
        }
        return target;
    }
}
