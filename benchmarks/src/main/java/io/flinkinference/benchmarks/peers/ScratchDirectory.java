package io.flinkinference.benchmarks.peers;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where contestants keep files of their own (DJL's cache and its copy of the model): under the
 * benchmarks module's {@code target} folder, so that a clean build removes them and nothing lands
 * in the user's home. The suite passes its own choice to every contestant JVM as the system
 * property {@value #PROPERTY}.
 */
final class ScratchDirectory {
    static final String PROPERTY = "flinkinference.peers.scratch";

    private ScratchDirectory() {}

    static Path get() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null) {
            return Path.of(configured);
        }
        // From the repository root (benchmarks/run.sh) or from the module itself (its tests).
        Path module = Files.exists(Path.of("benchmarks", "pom.xml")) ? Path.of("benchmarks") : Path.of(".");
        return module.resolve("target").resolve("peers-scratch").toAbsolutePath().normalize();
    }
}
