package io.flinkinference.tools.setup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The Python interpreter that runs the user's PyTorch code: the one {@code --python} names, else
 * the one {@value #ENV} names, else the first of {@code /usr/bin/python3} and the {@code python3}
 * and {@code python} on the PATH that can import torch. The system Python comes first because
 * that is where Debian's {@code python3-torch} installs, while the PATH's python3 is often a
 * version manager's interpreter without it.
 */
record TorchPython(String executable, String torchVersion) {
    static final String ENV = "FLINK_INFERENCE_PYTHON";

    /** What a user without torch is told to do, whatever they tried. */
    static final String INSTALL_HINT = "Install PyTorch for it: on Debian or Ubuntu 'apt-get install python3-torch "
            + "python3-torchvision' (then /usr/bin/python3 has it), elsewhere 'pip install torch torchvision'; or name an "
            + "interpreter that has torch with --python PATH or $" + ENV + ".";

    /** Importing torch takes a few seconds on a cold cache; a probe that hangs longer is no usable interpreter. */
    private static final long PROBE_SECONDS = 120;

    static TorchPython locate(Path explicit, Map<String, String> environment) {
        if (explicit != null) {
            return probe(explicit.toString(), "--python");
        }
        String fromEnvironment = environment.get(ENV);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return probe(fromEnvironment, "$" + ENV);
        }
        List<String> tried = new ArrayList<>();
        for (String candidate : candidates(environment.getOrDefault("PATH", ""))) {
            Probe probe = run(candidate);
            if (probe.torchVersion() != null) {
                return new TorchPython(candidate, probe.torchVersion());
            }
            tried.add(candidate + " (" + probe.problem() + ")");
        }
        throw new IllegalArgumentException("No Python with torch found; tried " + (tried.isEmpty() ? "none (no python3 "
                + "on the PATH)" : String.join(", ", tried)) + ". " + INSTALL_HINT);
    }

    private static TorchPython probe(String executable, String namedBy) {
        Probe probe = run(executable);
        if (probe.torchVersion() == null) {
            throw new IllegalArgumentException("The Python that " + namedBy + " names, " + executable + ", cannot run "
                    + "the export: " + probe.problem() + ". " + INSTALL_HINT);
        }
        return new TorchPython(executable, probe.torchVersion());
    }

    private static Set<String> candidates(String path) {
        Set<String> candidates = new LinkedHashSet<>();
        candidates.add("/usr/bin/python3");
        for (String name : List.of("python3", "python")) {
            for (String folder : path.split(java.io.File.pathSeparator)) {
                if (!folder.isEmpty() && Files.isExecutable(Path.of(folder, name))) {
                    candidates.add(Path.of(folder, name).toString());
                }
            }
        }
        candidates.removeIf(candidate -> !Files.isExecutable(Path.of(candidate)));
        return candidates;
    }

    /** The torch version, or why there is none. */
    private record Probe(String torchVersion, String problem) {}

    private static Probe run(String executable) {
        Process process;
        try {
            process = new ProcessBuilder(executable, "-c", "import torch; print(torch.__version__)")
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            return new Probe(null, "cannot be started: " + e.getMessage());
        }
        try (InputStream output = process.getInputStream()) {
            String text = new String(output.readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(PROBE_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Probe(null, "importing torch did not finish in " + PROBE_SECONDS + " s");
            }
            if (process.exitValue() == 0 && !text.isEmpty()) {
                return new Probe(lastLine(text), null);
            }
            return new Probe(null, text.contains("No module named 'torch'") ? "no module named 'torch'" : lastLine(text));
        } catch (IOException e) {
            return new Probe(null, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return new Probe(null, "interrupted");
        }
    }

    private static String lastLine(String text) {
        String[] lines = text.split("\\R");
        return lines.length == 0 ? "" : lines[lines.length - 1];
    }
}
