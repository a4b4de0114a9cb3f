package io.flinkinference.tools.setup;

import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.testing.CommandRunner;
import io.flinkinference.tools.ToolsCli;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of the PyTorch side of the setup job: an empty store of their own, the command line, and
 * the Python with torch that the commands find (CI installs Debian's python3-torch in .ci/run; a
 * machine without any is the one reason these tests skip).
 */
abstract class TorchTestSupport {
    static TorchPython torch;

    @TempDir
    Path root;

    @TempDir
    Path work;

    ModelStore store;
    final CommandRunner cli = CommandRunner.merged(ToolsCli::commandLine);

    @BeforeAll
    static void findTorch() {
        try {
            torch = TorchPython.locate(null, System.getenv());
        } catch (IllegalArgumentException e) {
            Assumptions.abort("No Python with torch here, so the PyTorch export cannot be tested: " + e.getMessage());
        }
    }

    @BeforeEach
    void openStore() {
        store = ModelStore.open(root.toUri());
    }

    /** Runs {@code flink-inference ARGS} against this test's store; what it printed is {@code cli.out()}. */
    int run(String... args) {
        List<String> withStore = new ArrayList<>(List.of(args));
        withStore.add("--store");
        withStore.add(root.toString());
        return cli.run(withStore.toArray(String[]::new));
    }

    /** Copies a test resource of this package (the tests' own PyTorch code) into the work folder. */
    Path resource(String name) throws IOException {
        try (InputStream in = TorchTestSupport.class.getResourceAsStream(name)) {
            assertThat(in).as("test resource " + name).isNotNull();
            Path copy = work.resolve(name);
            Files.write(copy, in.readAllBytes());
            return copy;
        }
    }

    /** Runs a Python script of the test's with the torch Python, in the work folder; fails the test if it fails. */
    String python(Path script, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(torch.executable(), script.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
        return output;
    }
}
