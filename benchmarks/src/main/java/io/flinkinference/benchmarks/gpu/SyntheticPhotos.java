package io.flinkinference.benchmarks.gpu;

import io.flinkinference.samples.ImageFiles;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded photo-like JPEGs for the ResNet-50 runs, where no real photos can be had (the GPU
 * machine has no network): a gradient sky, overlapping shapes and sensor-like noise, so that the
 * files compress like photos (tens of KB at 256 x 256, quality 90) rather than like flat drawings,
 * which would flatter the JPEG decoder.
 *
 * <p>Run: {@code SyntheticPhotos DIR COUNT [SIZE] [SEED]} writes COUNT files into DIR.
 */
public final class SyntheticPhotos {
    private SyntheticPhotos() {}

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        int count = Integer.parseInt(args[1]);
        int size = args.length > 2 ? Integer.parseInt(args[2]) : 256;
        long seed = args.length > 3 ? Long.parseLong(args[3]) : 1;
        Files.createDirectories(dir);
        long bytes = 0;
        List<byte[]> photos = jpegs(count, size, seed);
        for (int i = 0; i < photos.size(); i++) {
            Files.write(dir.resolve(String.format("photo-%05d.jpg", i)), photos.get(i));
            bytes += photos.get(i).length;
        }
        System.out.printf("wrote %d JPEGs of %dx%d to %s, %.1f KB each on average%n", count, size, size, dir, bytes / 1024.0 / count);
    }

    public static List<byte[]> jpegs(int count, int size, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<byte[]> photos = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            photos.add(ImageFiles.jpeg(render(size, random.split()), 0.9f, false));
        }
        return photos;
    }

    static BufferedImage render(int size, SplittableRandom random) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setPaint(new GradientPaint(0, 0, color(random), size, size, color(random)));
        g.fillRect(0, 0, size, size);
        int shapes = 4 + random.nextInt(8);
        for (int s = 0; s < shapes; s++) {
            g.setColor(color(random));
            int x = random.nextInt(size);
            int y = random.nextInt(size);
            int w = size / 8 + random.nextInt(size / 2);
            int h = size / 8 + random.nextInt(size / 2);
            if (random.nextBoolean()) {
                g.fillOval(x - w / 2, y - h / 2, w, h);
            } else {
                g.fillRect(x - w / 2, y - h / 2, w, h);
            }
        }
        g.dispose();
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int rgb = image.getRGB(x, y);
                int noise = random.nextInt(25) - 12;
                image.setRGB(x, y, (clamp(((rgb >> 16) & 0xFF) + noise) << 16) | (clamp(((rgb >> 8) & 0xFF) + noise) << 8)
                        | clamp((rgb & 0xFF) + noise));
            }
        }
        return image;
    }

    private static Color color(SplittableRandom random) {
        return new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256));
    }

    private static int clamp(int value) {
        return Math.max(0, Math.min(255, value));
    }
}
