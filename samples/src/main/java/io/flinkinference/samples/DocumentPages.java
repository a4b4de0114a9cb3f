package io.flinkinference.samples;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Document-like pages with known text for the OCR pipeline: a white page with 1 to 5 lines of 2 to
 * 4 words, each line in its own font and size, at its own indent, about one line in four upside
 * down, so that the orientation classifier has to turn it before recognition. A page is a function
 * of its seed: the demo and the tests render the same page from the same seed.
 */
public final class DocumentPages {
    private static final String[] WORDS = {
        "invoice", "total", "amount", "date", "order", "number", "customer", "address", "payment", "due",
        "shipping", "account", "balance", "report", "summary", "quantity", "price", "item", "tax", "paid"
    };
    private static final int WIDTH = 720;
    private static final int LINE_PITCH = 64;
    private static final int MARGIN = 40;

    private DocumentPages() {}

    /**
     * A rendered page and its truth.
     *
     * @param lines the text of each line, top to bottom, as it reads upright
     * @param upsideDown how many of the lines were drawn turned 180 degrees
     */
    public record Page(BufferedImage image, List<String> lines, int upsideDown) {
        public Page {
            lines = List.copyOf(lines);
        }

        /** The page's text as the OCR job writes it: lines joined by newlines. */
        public String text() {
            return String.join("\n", lines);
        }

        public byte[] png() {
            return ImageFiles.png(image);
        }

        public byte[] jpeg() {
            return ImageFiles.jpeg(image, false);
        }
    }

    /** The page of {@code seed}: 1 to 5 lines. */
    public static Page page(long seed) {
        return page(seed, 1, 5);
    }

    /**
     * The page of {@code seed} with {@code minLines} to {@code maxLines} lines (the seed also picks
     * the count, so {@code page(seed)} is {@code page(seed, 1, 5)}).
     */
    public static Page page(long seed, int minLines, int maxLines) {
        if (minLines < 1 || maxLines < minLines) {
            throw new IllegalArgumentException("Lines per page: at least 1, and min <= max; not " + minLines + ".." + maxLines);
        }
        Random random = new Random(seed);
        int lineCount = minLines + random.nextInt(maxLines - minLines + 1);
        BufferedImage page = new BufferedImage(WIDTH, MARGIN + lineCount * LINE_PITCH + MARGIN, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = page.createGraphics();
        List<String> lines = new ArrayList<>();
        int turned = 0;
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, page.getWidth(), page.getHeight());
            for (int i = 0; i < lineCount; i++) {
                int words = 2 + random.nextInt(3);
                List<String> line = new ArrayList<>();
                for (int w = 0; w < words; w++) {
                    line.add(WORDS[random.nextInt(WORDS.length)]);
                }
                String text = String.join(" ", line);
                Font font = new Font(random.nextBoolean() ? Font.SANS_SERIF : Font.SERIF, Font.PLAIN, 26 + random.nextInt(8));
                BufferedImage rendered = TextLineImages.render(text, font);
                boolean upsideDown = random.nextInt(4) == 0;
                turned += upsideDown ? 1 : 0;
                g.drawImage(upsideDown ? TextLineImages.rotate180(rendered) : rendered, 30 + random.nextInt(60),
                        MARGIN + i * LINE_PITCH, null);
                lines.add(text);
            }
        } finally {
            g.dispose();
        }
        return new Page(page, lines, turned);
    }

    /** A white page without text. */
    public static BufferedImage blank(int width, int height) {
        BufferedImage page = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = page.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
        } finally {
            g.dispose();
        }
        return page;
    }

    /** {@code page} as a JPEG cut off at 60% of its bytes: ImageIO alone would decode it with a grey bottom. */
    public static byte[] truncatedJpeg(Page page) {
        byte[] jpeg = page.jpeg();
        return Arrays.copyOf(jpeg, jpeg.length * 6 / 10);
    }

    /** {@code length} random bytes from {@code seed}: a payload that is no image at all. */
    public static byte[] randomBytes(long seed, int length) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
