package io.flinkinference.cli;

import io.flinkinference.avro.ImageEncoding;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The image files that {@code produce} and {@code ocr} were given: files as named, and in folders
 * (searched recursively, in sorted order) every file with an image suffix; the other files of the
 * folders are kept apart, to be named, not sent.
 */
record ImageInputs(List<Item> images, List<Path> skipped) {
    static final List<String> IMAGE_SUFFIXES = List.of(".jpg", ".jpeg", ".png", ".bmp", ".gif");

    /** A file to send, under the key it is sent with. */
    record Item(Path file, String key) {
        ImageEncoding encoding() {
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            return name.endsWith(".png") ? ImageEncoding.PNG
                    : name.endsWith(".jpg") || name.endsWith(".jpeg") ? ImageEncoding.JPEG : ImageEncoding.IMAGE;
        }
    }

    /** @throws java.nio.file.NoSuchFileException for an input that is neither a file nor a folder */
    static ImageInputs collect(List<Path> inputs) throws IOException {
        List<Item> images = new ArrayList<>();
        List<Path> skipped = new ArrayList<>();
        for (Path input : inputs) {
            if (Files.isDirectory(input)) {
                try (Stream<Path> walk = Files.walk(input)) {
                    for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                        if (isImage(file)) {
                            images.add(new Item(file, key(file)));
                        } else {
                            skipped.add(file);
                        }
                    }
                }
            } else if (Files.isRegularFile(input)) {
                images.add(new Item(input, key(input)));
            } else {
                throw new java.nio.file.NoSuchFileException(input.toString(), null, "No such file or folder");
            }
        }
        return new ImageInputs(images, skipped);
    }

    /** The path as the user named it (normalized, with forward slashes): unique across the folders given. */
    static String key(Path file) {
        return file.normalize().toString().replace('\\', '/');
    }

    /** A few of the skipped files, for a message. */
    String skippedExamples() {
        List<String> names = skipped.stream().limit(5).map(ImageInputs::key).toList();
        return String.join(", ", names) + (skipped.size() > names.size() ? ", ..." : "");
    }

    private static boolean isImage(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return IMAGE_SUFFIXES.stream().anyMatch(name::endsWith);
    }
}
