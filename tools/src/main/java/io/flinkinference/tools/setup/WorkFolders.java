package io.flinkinference.tools.setup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The temporary folders where the Java side and the Python scripts exchange files. */
final class WorkFolders {
    private WorkFolders() {}

    static Path create(String purpose) throws IOException {
        return Files.createTempDirectory("flink-inference-" + purpose + "-");
    }

    /** Deletes the folder and what is in it; what cannot be deleted stays for the OS's temporary-file cleanup. */
    static void delete(Path folder) {
        try (Stream<Path> walk = Files.walk(folder)) {
            walk.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // Only leftovers in the temporary folder: not worth failing a command that has done its work.
        }
    }
}
