package io.flinkinference.tools.setup;

import io.flinkinference.testing.TestModels;
import io.flinkinference.testing.CommandRunner;
import io.flinkinference.tools.ToolsCli;
import io.flinkinference.modelstore.ModelStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** A store of its own with the real PaddleOCR models, and the command line as a user types it. */
abstract class SetupTestSupport {
    @TempDir
    Path root;

    ModelStore store;
    final CommandRunner cli = CommandRunner.merged(ToolsCli::commandLine);

    @BeforeEach
    void fetchModels() throws Exception {
        store = TestModels.freshStore(root);
    }

    /** Runs {@code flink-inference ARGS}; what it printed (stdout and stderr) is {@code cli.out()}. */
    int run(String... args) {
        return cli.run(args);
    }
}
