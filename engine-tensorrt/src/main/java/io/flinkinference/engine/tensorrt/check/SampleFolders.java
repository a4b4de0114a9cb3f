package io.flinkinference.engine.tensorrt.check;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The sample image folders the checks read ({@code mixed/}, {@code batch224/}, {@code batch640/},
 * as the command line's {@code SampleJpegs} writes them).
 */
public final class SampleFolders {
    private SampleFolders() {}

    /** The files of a folder, in name order, so that every run decodes the same batches. */
    public static List<byte[]> read(Path dir) throws IOException {
        List<byte[]> images = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                images.add(Files.readAllBytes(file));
            }
        }
        if (images.isEmpty()) {
            throw new IllegalArgumentException("No images in " + dir);
        }
        return images;
    }
}
