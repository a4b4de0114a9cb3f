package io.flinkinference.operators.ocr;

import io.flinkinference.modelstore.manifest.DataType;
import io.flinkinference.operators.engine.Tensor;
import org.junit.jupiter.api.Test;

import java.awt.geom.Point2D;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class DbPostprocessorTest {
    // A 1280 x 1920 photo: the detector sees it at 640 x 960, so map pixels are 2 image pixels.
    private static final DetectionResize RESIZE = DetectionResize.of(1280, 1920);
    private static final int H = RESIZE.resizedHeight();
    private static final int W = RESIZE.resizedWidth();

    private final DbPostprocessor db = DbPostprocessor.defaults();

    @Test
    void findsEachTextKernelUnclippedAndMappedBackToTheImage() {
        float[] map = background(1);
        fill(map, 100, 50, 200, 20, 0.9f);

        List<TextBox> boxes = db.boxes(map, RESIZE);

        assertThat(boxes).hasSize(1);
        double grow = 200 * 20 * 1.5 / (2 * (200 + 20)); // area * ratio / perimeter, in map pixels
        assertBox(boxes.get(0), 2 * (100 - grow), 2 * (50 - grow), 2 * (300 + grow), 2 * (70 + grow));
        assertThat(boxes.get(0).score()).isCloseTo(0.9f, within(1e-4f));
    }

    @Test
    void returnsLinesTopToBottomAndWordsLeftToRight() {
        float[] map = background(2);
        fill(map, 400, 100, 120, 16, 0.8f); // line 1, second word
        fill(map, 100, 103, 200, 16, 0.8f); // line 1, first word, 3 map pixels lower
        fill(map, 120, 160, 300, 16, 0.8f); // line 2
        fill(map, 600, 40, 100, 16, 0.8f); // a heading above them all, right of centre

        List<TextBox> boxes = db.boxes(map, RESIZE);

        assertThat(boxes).extracting(box -> (int) Math.round(box.centerX() / 2))
                .containsExactly(650, 200, 460, 270);
    }

    @Test
    void touchingKernelsAreOneRegionAndAGapSeparatesThem() {
        float[] map = background(3);
        fill(map, 100, 100, 100, 20, 0.9f);
        fill(map, 200, 100, 100, 20, 0.9f); // shares an edge with the first
        fill(map, 300, 120, 50, 20, 0.9f); // touches the second at one corner only
        fill(map, 100, 300, 100, 20, 0.9f);
        fill(map, 201, 300, 100, 20, 0.9f); // one map pixel of background between them

        List<TextBox> boxes = db.boxes(map, RESIZE);

        assertThat(boxes).hasSize(3);
        assertThat(boxes.get(0).left()).isLessThan(2 * 100);
        assertThat(boxes.get(0).topRight().getX()).isGreaterThan(2 * 350);
        assertThat(boxes.get(1).centerX()).isCloseTo(2 * 150, within(1.0));
        assertThat(boxes.get(2).centerX()).isCloseTo(2 * 251, within(1.0));
    }

    @Test
    void dropsSpecksAndFaintRegions() {
        float[] map = background(4);
        fill(map, 100, 100, 200, 20, 0.9f);
        Random random = new Random(5);
        for (int i = 0; i < 40; i++) { // confident specks, 1 or 2 map pixels across
            fill(map, 400 + random.nextInt(500), 300 + random.nextInt(300), 1 + random.nextInt(2), 1 + random.nextInt(2), 0.95f);
        }
        fill(map, 100, 200, 300, 40, 0.45f); // above the pixel threshold, below the box threshold

        List<TextBox> boxes = db.boxes(map, RESIZE);

        assertThat(boxes).hasSize(1);
        assertThat(boxes.get(0).centerY()).isCloseTo(2 * 110, within(1.0));
    }

    @Test
    void aTiltedLineGetsATiltedBox() {
        float[] map = background(6);
        double angle = Math.toRadians(8);
        double cx = 480;
        double cy = 320;
        double length = 400;
        double breadth = 24;
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                double dx = x + 0.5 - cx;
                double dy = y + 0.5 - cy;
                double u = dx * Math.cos(angle) + dy * Math.sin(angle);
                double v = -dx * Math.sin(angle) + dy * Math.cos(angle);
                if (Math.abs(u) <= length / 2 && Math.abs(v) <= breadth / 2) {
                    map[y * W + x] = 0.9f;
                }
            }
        }

        List<TextBox> boxes = db.boxes(map, RESIZE);

        assertThat(boxes).hasSize(1);
        TextBox box = boxes.get(0);
        Point2D left = box.topLeft();
        Point2D right = box.topRight();
        assertThat(Math.toDegrees(Math.atan2(right.getY() - left.getY(), right.getX() - left.getX()))).isCloseTo(8, within(0.5));
        double grow = length * breadth * 1.5 / (2 * (length + breadth));
        // Within 3 map pixels: the rasterized edge's pixel corners stick out of the true rectangle.
        assertThat(box.width()).isCloseTo(2 * (length + 2 * grow), within(6.0));
        assertThat(box.height()).isCloseTo(2 * (breadth + 2 * grow), within(6.0));
        assertThat(box.centerX()).isCloseTo(2 * cx, within(2.0));
        assertThat(box.centerY()).isCloseTo(2 * cy, within(2.0));
    }

    @Test
    void readsEachImageOfABatchFromItsOwnRow() {
        Tensor maps = Tensor.allocate(DataType.FLOAT32, 2, 1, H, W);
        float[] second = background(7);
        fill(second, 500, 500, 100, 20, 0.9f);
        maps.floats().put(H * W, second);

        assertThat(db.boxes(maps, 0, RESIZE)).isEmpty();
        assertThat(db.boxes(maps, 1, RESIZE)).singleElement()
                .satisfies(box -> assertThat(box.centerX()).isCloseTo(2 * 550, within(1.0)));
    }

    @Test
    void aBoxAtTheEdgeIsClippedToTheImage() {
        float[] map = background(8);
        fill(map, 0, 0, 100, 20, 0.9f);

        TextBox box = db.boxes(map, RESIZE).get(0);

        assertThat(box.topLeft()).isEqualTo(new Point2D.Double(0, 0));
        assertThat(box.bottomRight().getX()).isLessThanOrEqualTo(RESIZE.width());
    }

    /** Low probabilities everywhere, as the detector gives for a plain page, seeded. */
    private static float[] background(long seed) {
        Random random = new Random(seed);
        float[] map = new float[H * W];
        for (int i = 0; i < map.length; i++) {
            map[i] = random.nextFloat() * 0.2f;
        }
        return map;
    }

    private static void fill(float[] map, int left, int top, int width, int height, float probability) {
        for (int y = top; y < top + height; y++) {
            for (int x = left; x < left + width; x++) {
                map[y * W + x] = probability;
            }
        }
    }

    private static void assertBox(TextBox box, double left, double top, double right, double bottom) {
        assertThat(box.topLeft().getX()).isCloseTo(left, within(1e-6));
        assertThat(box.topLeft().getY()).isCloseTo(top, within(1e-6));
        assertThat(box.bottomRight().getX()).isCloseTo(right, within(1e-6));
        assertThat(box.bottomRight().getY()).isCloseTo(bottom, within(1e-6));
    }
}
