package io.flinkinference.operators.ocr;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The 8-connected regions of a probability map's pixels above a threshold, found by a breadth-first
 * flood fill with an explicit queue (a text region can span a whole page, far past what recursion
 * could hold). 8-connectivity, as the contours PaddleOCR traces: strokes that touch only at a corner
 * still belong to one line.
 */
final class ConnectedRegions {
    private ConnectedRegions() {}

    /**
     * One region: how many pixels it has, their summed probability, and for each of its rows (from
     * {@code top}) its leftmost and rightmost pixel, which is all that its convex hull needs.
     */
    record Region(int pixels, double probabilitySum, int top, int[] rowLeft, int[] rowRight) {
        double meanProbability() {
            return probabilitySum / pixels;
        }
    }

    /** The regions of the {@code height} x {@code width} map at {@code offset} of {@code map}, row-major, in raster order of their first pixel. */
    static List<Region> find(FloatBuffer map, int offset, int height, int width, float threshold) {
        boolean[] seen = new boolean[height * width];
        int[] queue = new int[height * width];
        List<Region> regions = new ArrayList<>();
        for (int start = 0; start < height * width; start++) {
            if (seen[start] || !(map.get(offset + start) > threshold)) {
                continue;
            }
            int head = 0;
            int tail = 0;
            queue[tail++] = start;
            seen[start] = true;
            int top = start / width;
            int bottom = top;
            double sum = 0;
            while (head < tail) {
                int pixel = queue[head++];
                int y = pixel / width;
                int x = pixel % width;
                sum += map.get(offset + pixel);
                bottom = Math.max(bottom, y);
                for (int dy = -1; dy <= 1; dy++) {
                    int ny = y + dy;
                    if (ny < 0 || ny >= height) {
                        continue;
                    }
                    for (int dx = -1; dx <= 1; dx++) {
                        int nx = x + dx;
                        int next = ny * width + nx;
                        if (nx < 0 || nx >= width || seen[next] || !(map.get(offset + next) > threshold)) {
                            continue;
                        }
                        seen[next] = true;
                        queue[tail++] = next;
                    }
                }
            }
            // The queue now holds exactly this region's pixels: their row extents.
            int rows = bottom - top + 1;
            int[] rowLeft = new int[rows];
            int[] rowRight = new int[rows];
            Arrays.fill(rowLeft, Integer.MAX_VALUE);
            Arrays.fill(rowRight, Integer.MIN_VALUE);
            for (int i = 0; i < tail; i++) {
                int row = queue[i] / width - top;
                int x = queue[i] % width;
                rowLeft[row] = Math.min(rowLeft[row], x);
                rowRight[row] = Math.max(rowRight[row], x);
            }
            regions.add(new Region(tail, sum, top, rowLeft, rowRight));
        }
        return regions;
    }
}
