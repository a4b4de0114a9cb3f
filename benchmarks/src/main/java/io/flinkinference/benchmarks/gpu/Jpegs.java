package io.flinkinference.benchmarks.gpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The JPEGs of a folder, in name order (what {@link SyntheticPhotos} wrote). */
final class Jpegs {
    private Jpegs() {}

    static List<byte[]> read(Path folder) throws IOException {
        List<byte[]> jpegs = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".jpg")).sorted().toList()) {
                jpegs.add(Files.readAllBytes(file));
            }
        }
        if (jpegs.isEmpty()) {
            throw new IllegalArgumentException("No .jpg files in " + folder);
        }
        return jpegs;
    }
}
