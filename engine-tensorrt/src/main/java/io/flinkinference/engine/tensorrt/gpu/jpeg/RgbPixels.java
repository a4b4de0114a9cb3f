package io.flinkinference.engine.tensorrt.gpu.jpeg;

import java.awt.image.BufferedImage;

/** A decoded image as interleaved 8-bit RGB, row by row: the layout nvJPEG's RGBI output has. */
public final class RgbPixels {
    private RgbPixels() {}

    public static byte[] of(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        int[] argb = image.getRGB(0, 0, width, height, null, 0, width);
        byte[] rgb = new byte[argb.length * 3];
        for (int i = 0; i < argb.length; i++) {
            rgb[3 * i] = (byte) (argb[i] >> 16);
            rgb[3 * i + 1] = (byte) (argb[i] >> 8);
            rgb[3 * i + 2] = (byte) argb[i];
        }
        return rgb;
    }
}
