package io.flinkinference.tools.gpu;

import io.flinkinference.samples.ImageFiles;
import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Photo-like test images encoded with ImageIO: gradients, overlapping shapes and mild noise, so
 * that JPEG sizes and decode work resemble camera frames more than flat test cards do. Written
 * to folders for {@code gpu-check --jpegs}: {@code mixed/} (several sizes and qualities, a
 * progressive JPEG and a PNG, for the comparison with ImageIO), {@code batch224/} and
 * {@code batch640/} (uniform batches for timing).
 */
public final class SampleJpegs {
    private SampleJpegs() {}

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : "gpu-jpegs");
        write(root);
        System.out.println("wrote sample images to " + root.toAbsolutePath());
    }

    public static void write(Path root) throws IOException {
        SplittableRandom random = new SplittableRandom(2026);
        Path mixed = Files.createDirectories(root.resolve("mixed"));
        int[][] sizes = {{224, 224}, {480, 640}, {48, 320}, {720, 1280}, {333, 517}};
        float[] qualities = {0.5f, 0.75f, 0.95f};
        int n = 0;
        for (int[] size : sizes) {
            for (float quality : qualities) {
                Files.write(mixed.resolve(String.format("%03d-%dx%d-q%d.jpg", n++, size[0], size[1], (int) (quality * 100))),
                        ImageFiles.jpeg(image(size[0], size[1], random), quality, false));
            }
        }
        Files.write(mixed.resolve(String.format("%03d-progressive.jpg", n++)), ImageFiles.jpeg(image(300, 400, random), 0.85f, true));
        Files.write(mixed.resolve(String.format("%03d-lossless.png", n)), ImageFiles.png(image(200, 260, random)));
        writeBatch(Files.createDirectories(root.resolve("batch224")), 256, 224, 224, random);
        writeBatch(Files.createDirectories(root.resolve("batch640")), 128, 480, 640, random);
    }

    private static void writeBatch(Path dir, int count, int height, int width, SplittableRandom random) throws IOException {
        for (int i = 0; i < count; i++) {
            Files.write(dir.resolve(String.format("%04d.jpg", i)), ImageFiles.jpeg(image(height, width, random), 0.9f, false));
        }
    }

    static BufferedImage image(int height, int width, SplittableRandom random) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setPaint(new GradientPaint(0, 0, color(random), width, height, color(random)));
            g.fillRect(0, 0, width, height);
            for (int i = 0; i < 12; i++) {
                g.setColor(color(random));
                g.fillOval(random.nextInt(width), random.nextInt(height), 1 + random.nextInt(width / 2 + 1),
                        1 + random.nextInt(height / 2 + 1));
            }
        } finally {
            g.dispose();
        }
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb = image.getRGB(x, y);
                int noise = random.nextInt(17) - 8;
                image.setRGB(x, y, (clamp((rgb >> 16 & 0xff) + noise) << 16) | (clamp((rgb >> 8 & 0xff) + noise) << 8)
                        | clamp((rgb & 0xff) + noise));
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
