package io.flinkinference.operators.image;

import io.flinkinference.modelstore.manifest.Preprocessing;

/**
 * A manifest's channel handling in the form kernels use: which source channel feeds each output
 * channel (0 = R, 1 = G, 2 = B, 3 = gray) and {@code (pixel * scale - mean) / std} folded into
 * {@code pixel * multiply + add}.
 */
public record ChannelTransform(int[] sources, float[] multiply, float[] add) {
    public static final int GRAY = 3;

    public static ChannelTransform of(Preprocessing spec) {
        int channels = spec.channels();
        int[] sources = switch (spec.channelOrder()) {
            case RGB -> new int[] {0, 1, 2};
            case BGR -> new int[] {2, 1, 0};
            case GRAY -> new int[] {GRAY};
        };
        float[] multiply = new float[channels];
        float[] add = new float[channels];
        for (int c = 0; c < channels; c++) {
            multiply[c] = (float) (spec.scale() / spec.std().get(c));
            add[c] = (float) (-spec.mean().get(c) / spec.std().get(c));
        }
        return new ChannelTransform(sources, multiply, add);
    }

    public int channels() {
        return sources.length;
    }

    /** Output channel {@code c}'s source, padded with R for kernels that always take three. */
    public int source(int c) {
        return c < sources.length ? sources[c] : 0;
    }

    public float multiply(int c) {
        return c < multiply.length ? multiply[c] : 0f;
    }

    public float add(int c) {
        return c < add.length ? add[c] : 0f;
    }
}
