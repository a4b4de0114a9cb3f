package io.flinkinference.samples;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Renders text lines with Java2D (headless), upright or turned 180 degrees, with random words,
 * fonts and sizes: images with known answers for the orientation classifier and the recognizer,
 * used by the demo and the tests.
 */
public final class TextLineImages {
    private static final String[] WORDS = {
        "stream", "batch", "kafka", "flink", "model", "tensor", "engine", "record", "window", "state",
        "checkpoint", "latency", "GPU", "image", "result", "partition", "offset", "topic", "slot", "job",
        "orange", "river", "mountain", "garden", "yellow", "silver", "market", "window", "bridge", "harbor",
        "Monday", "October", "invoice", "total", "amount", "number", "street", "city", "2026", "42",
        "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "hello", "world", "sample"
    };
    private static final String[] FONTS = {Font.SANS_SERIF, Font.SERIF, Font.MONOSPACED};

    private final Random random;

    public TextLineImages(long seed) {
        this.random = new Random(seed);
    }

    /** A rendered line and the truth about it. */
    public record Sample(BufferedImage image, String text, boolean rotated) {
        /** The orientation classifier's label for this sample. */
        public String orientationLabel() {
            return rotated ? "180" : "0";
        }

        /** The image encoded as PNG, as it would arrive from a camera or a scanner. */
        public byte[] png() {
            return ImageFiles.png(image);
        }
    }

    /** {@code count} samples, every other one (in random order) turned 180 degrees. */
    public List<Sample> samples(int count) {
        List<Sample> samples = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            samples.add(sample(random.nextBoolean()));
        }
        return samples;
    }

    public Sample sample(boolean rotated) {
        int wordCount = 2 + random.nextInt(3);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < wordCount; i++) {
            if (i > 0) {
                text.append(' ');
            }
            text.append(WORDS[random.nextInt(WORDS.length)]);
        }
        Font font = new Font(FONTS[random.nextInt(FONTS.length)], random.nextBoolean() ? Font.PLAIN : Font.BOLD,
                22 + random.nextInt(16));
        BufferedImage image = render(text.toString(), font);
        return new Sample(rotated ? rotate180(image) : image, text.toString(), rotated);
    }

    /** Black text on white, with a small margin around it. */
    public static BufferedImage render(String text, Font font) {
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D pg = probe.createGraphics();
        FontMetrics metrics = pg.getFontMetrics(font);
        pg.dispose();
        int margin = Math.max(4, font.getSize() / 4);
        int width = metrics.stringWidth(text) + 2 * margin;
        int height = metrics.getAscent() + metrics.getDescent() + 2 * margin;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.BLACK);
            g.setFont(font);
            g.drawString(text, margin, margin + metrics.getAscent());
        } finally {
            g.dispose();
        }
        return image;
    }

    public static BufferedImage rotate180(BufferedImage image) {
        BufferedImage rotated = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rotated.createGraphics();
        try {
            AffineTransform turn = AffineTransform.getRotateInstance(Math.PI, image.getWidth() / 2.0, image.getHeight() / 2.0);
            g.drawImage(image, turn, null);
        } finally {
            g.dispose();
        }
        return rotated;
    }
}
