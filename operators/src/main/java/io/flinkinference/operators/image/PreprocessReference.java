package io.flinkinference.operators.image;

import io.flinkinference.modelstore.manifest.Preprocessing;
import io.flinkinference.modelstore.manifest.Preprocessing.Layout;

import java.nio.FloatBuffer;

/**
 * The GPU preprocessing kernel's arithmetic in Java, operation for operation in float, so that
 * the kernel (compiled without fused multiply-adds) can be checked against it to the last bit:
 * bilinear resize with half-pixel centres and clamped edges, the crop window of
 * {@link ImageGeometry}, channel selection, one multiply and one add per value, zeros in the padding.
 */
public final class PreprocessReference {
    private final Preprocessing spec;
    private final ChannelTransform channels;

    public PreprocessReference(Preprocessing spec) {
        this.spec = spec;
        this.channels = ChannelTransform.of(spec);
    }

    /** Floats per preprocessed image. */
    public int valuesPerImage() {
        return channels.channels() * spec.height() * spec.width();
    }

    /**
     * @param rgb the image as interleaved 8-bit RGB, row by row
     * @param out the batch's float buffer; image {@code index} is written in place
     */
    public void apply(byte[] rgb, ImageGeometry image, FloatBuffer out, int index) {
        int outH = spec.height();
        int outW = spec.width();
        int outC = channels.channels();
        int plane = outH * outW;
        int base = index * valuesPerImage();
        float scaleX = image.scaleX();
        float scaleY = image.scaleY();
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                float[] value = new float[3];
                // (x, y) is pixel (left + x, top + y) of the resized image; the integer sum is exact
                // in float, and with no crop the arithmetic is that of the modes without one.
                int resizedX = image.left() + x;
                int resizedY = image.top() + y;
                if (resizedX < image.resizedWidth()) {
                    float sx = clamp(((float) resizedX + 0.5f) * scaleX - 0.5f, image.width() - 1);
                    float sy = clamp(((float) resizedY + 0.5f) * scaleY - 0.5f, image.height() - 1);
                    int x0 = (int) sx;
                    int y0 = (int) sy;
                    int x1 = Math.min(x0 + 1, image.width() - 1);
                    int y1 = Math.min(y0 + 1, image.height() - 1);
                    float fx = sx - (float) x0;
                    float fy = sy - (float) y0;
                    float[] sample = new float[4];
                    for (int c = 0; c < 3; c++) {
                        float top = (1f - fx) * pixel(rgb, image, y0, x0, c) + fx * pixel(rgb, image, y0, x1, c);
                        float bottom = (1f - fx) * pixel(rgb, image, y1, x0, c) + fx * pixel(rgb, image, y1, x1, c);
                        sample[c] = (1f - fy) * top + fy * bottom;
                    }
                    sample[3] = 0.299f * sample[0] + 0.587f * sample[1] + 0.114f * sample[2];
                    for (int c = 0; c < outC; c++) {
                        value[c] = sample[channels.source(c)] * channels.multiply(c) + channels.add(c);
                    }
                }
                for (int c = 0; c < outC; c++) {
                    int offset = spec.layout() == Layout.NCHW ? c * plane + y * outW + x : (y * outW + x) * outC + c;
                    out.put(base + offset, value[c]);
                }
            }
        }
    }

    private static float clamp(float value, int max) {
        return Math.min(Math.max(value, 0f), (float) max);
    }

    private static float pixel(byte[] rgb, ImageGeometry image, int y, int x, int c) {
        return (float) (rgb[(y * image.width() + x) * 3 + c] & 0xff);
    }
}
