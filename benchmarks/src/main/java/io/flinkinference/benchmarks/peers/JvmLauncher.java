package io.flinkinference.benchmarks.peers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starts the suite's other JVMs (the broker, one per contestant run) with this JVM's Java and
 * class path, each with its stderr in a log file of its own.
 */
final class JvmLauncher {
    private final String heap;
    private final Path scratch;

    /** @param heap the {@code -Xmx} of every JVM started, e.g. "2g" */
    JvmLauncher(String heap, Path scratch) {
        this.heap = heap;
        this.scratch = scratch;
    }

    /** A running broker; closing it closes its stdin, on which it shuts down. */
    record Broker(Process process, String bootstrapServers) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            process.getOutputStream().close();
            try {
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    Broker startBroker(Path log) throws IOException {
        Process process = start(BrokerProcess.class, List.of(), List.of(), log);
        // The reader stays open with the broker: closing its stdout early would leave it writing into a closed pipe.
        BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        try {
            CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
                try {
                    return lines.readLine();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            String line = first.get(2, TimeUnit.MINUTES);
            if (line == null || !line.startsWith(BrokerProcess.READY)) {
                process.destroyForcibly();
                throw new IOException("The Kafka broker did not start; see " + log);
            }
            return new Broker(process, line.substring(BrokerProcess.READY.length()));
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            process.destroyForcibly();
            throw new IOException("The Kafka broker did not start within 2 minutes; see " + log, e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while starting the broker", e);
        }
    }

    /**
     * Runs one {@link ContestantProcess} to its end and reads its result line; a run that fails,
     * prints no result or outlasts {@code timeout} is an {@link IOException} naming its log.
     */
    RunResult runContestant(List<String> arguments, Path log, Duration timeout) throws IOException, InterruptedException {
        return runContestant(List.of(), arguments, log, timeout);
    }

    /** As {@link #runContestant(List, Path, Duration)}, with more flags for its JVM (a flight recording, say). */
    RunResult runContestant(List<String> jvmFlags, List<String> arguments, Path log, Duration timeout)
            throws IOException, InterruptedException {
        Process process = start(ContestantProcess.class, jvmFlags, arguments, log);
        CompletableFuture<List<String>> stdout = CompletableFuture.supplyAsync(() -> readAll(process));
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("The run did not end within " + timeout.toSeconds() + " s; see " + log);
        }
        List<String> lines = stdout.join();
        if (process.exitValue() != 0) {
            throw new IOException("The run failed (exit status " + process.exitValue() + "): " + lastLine(log) + "; see " + log);
        }
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).startsWith("{")) {
                return RunResult.fromJson(lines.get(i));
            }
        }
        throw new IOException("The run printed no result; see " + log);
    }

    private Process start(Class<?> main, List<String> jvmFlags, List<String> arguments, Path log) throws IOException {
        Files.createDirectories(log.getParent());
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.add("-Xmx" + heap);
        command.add("-Djava.awt.headless=true");
        command.add("-D" + ScratchDirectory.PROPERTY + "=" + scratch);
        command.addAll(jvmFlags);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(arguments);
        return new ProcessBuilder(command).redirectError(log.toFile()).start();
    }

    private static List<String> readAll(Process process) {
        try (var lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            return lines.lines().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The last line of a log that looks like an error, for the progress line. */
    private static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) {
                String line = lines.get(i).trim();
                if (!line.isEmpty() && !line.startsWith("at ") && !line.startsWith("...")) {
                    return line;
                }
            }
            return "(empty log)";
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
