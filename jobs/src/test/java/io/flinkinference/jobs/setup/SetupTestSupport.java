package io.flinkinference.jobs.setup;

import io.flinkinference.jobs.FlinkInferenceCli;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.fetch.PaddleOcrModels;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/** A store of its own with the real PaddleOCR models, and the command line as a user types it. */
abstract class SetupTestSupport {
    @TempDir
    Path root;

    ModelStore store;
    final StringWriter out = new StringWriter();

    @BeforeEach
    void fetchModels() throws Exception {
        store = ModelStore.open(root.toUri());
        PaddleOcrModels.fetchInto(store, line -> { });
    }

    /** Runs {@code flink-inference ARGS}; its output (stdout and stderr) is in {@link #out}. */
    int run(String... args) {
        out.getBuffer().setLength(0);
        CommandLine cli = FlinkInferenceCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        return cli.execute(args);
    }
}
