package io.flinkinference.samples;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Rendered pages of several text lines at known places, some lines upside down: images with known
 * answers for the OCR job, its tests and its benchmark. A seed gives the same page every time.
 */
public final class TextPages {
    private static final String[] WORDS = {
        "invoice", "total", "amount", "date", "order", "number", "customer", "address", "payment", "due",
        "shipping", "account", "balance", "report", "summary", "quantity", "price", "item", "tax", "paid"
    };
    private static final int WIDTH = 720;
    private static final int MARGIN = 40;
    private static final int LINE_HEIGHT = 64;

    private TextPages() {}

    /**
     * A page (PNG) and the truth about it.
     *
     * @param lines the text of each line, top to bottom
     * @param upsideDown how many of those lines are drawn turned 180 degrees
     */
    public record Page(byte[] png, List<String> lines, int upsideDown) {}

    /** A page of 1 to 5 lines. */
    public static Page page(long seed) {
        return page(seed, 1, 5);
    }

    /**
     * A white page of {@code minLines} to {@code maxLines} lines of 2 to 4 words each, in sans-serif
     * or serif fonts of 26 to 33 points, each line shifted right by up to 60 pixels, and about one line
     * in four upside down (the orientation classifier must turn it before recognition).
     */
    public static Page page(long seed, int minLines, int maxLines) {
        if (minLines < 1 || maxLines < minLines) {
            throw new IllegalArgumentException("Lines per page: at least 1, and min <= max; not " + minLines + ".." + maxLines);
        }
        Random random = new Random(seed);
        int lineCount = minLines + random.nextInt(maxLines - minLines + 1);
        BufferedImage page = new BufferedImage(WIDTH, MARGIN + lineCount * LINE_HEIGHT + MARGIN, BufferedImage.TYPE_INT_RGB);
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
                        MARGIN + i * LINE_HEIGHT, null);
                lines.add(text);
            }
        } finally {
            g.dispose();
        }
        return new Page(ImageFiles.png(page), List.copyOf(lines), turned);
    }

    /** A white page without text (PNG): the OCR job's empty result. */
    public static byte[] blank(int width, int height) {
        BufferedImage page = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = page.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, page.getWidth(), page.getHeight());
        } finally {
            g.dispose();
        }
        return ImageFiles.png(page);
    }
}
