package io.flinkinference.tools.setup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * Runs one of the project's Python scripts (resources next to this class, under {@code torch/})
 * on the user's model: the scripts are copied into a work folder, the arguments go in as a JSON
 * file, the script's lines are shown as they come, and its result comes back as JSON. A script
 * that fails ends the command with its last lines in the message, since they say what went wrong
 * (the script's own {@code error:} line, or Python's traceback).
 */
final class PythonStep {
    private static final List<String> SCRIPTS = List.of("torch_model.py", "export.py", "finetune.py");
    private static final int LINES_KEPT = 12;
    static final ObjectMapper JSON = new ObjectMapper();

    private final TorchPython python;
    private final Path workFolder;

    PythonStep(TorchPython python, Path workFolder) {
        this.python = python;
        this.workFolder = workFolder;
    }

    Path workFolder() {
        return workFolder;
    }

    /**
     * Runs {@code script} with {@code arguments} (which the caller fills with paths under the work
     * folder) plus {@code result}, the file the script writes its answer to.
     *
     * @param what what the script does, for the failure message ("exporting model.pt")
     */
    JsonNode run(String script, Map<String, Object> arguments, String what, PrintWriter out) throws IOException {
        Path scripts = copyScripts();
        Path result = workFolder.resolve(script + ".result.json");
        Map<String, Object> withResult = new java.util.LinkedHashMap<>(arguments);
        withResult.put("result", result.toString());
        Path argumentFile = workFolder.resolve(script + ".args.json");
        JSON.writeValue(argumentFile.toFile(), withResult);

        ProcessBuilder builder = new ProcessBuilder(python.executable(), "-u", scripts.resolve(script).toString(),
                argumentFile.toString()).redirectErrorStream(true).directory(workFolder.toFile());
        // Python's own bytecode cache would write into the work folder's copy only; keep the folder clean.
        builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        Process process = builder.start();
        Deque<String> last = new ArrayDeque<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                out.println("  python: " + line);
                out.flush();
                if (last.size() == LINES_KEPT) {
                    last.removeFirst();
                }
                last.addLast(line);
            }
        }
        int status;
        try {
            status = process.waitFor();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while " + what);
        }
        if (status != 0 || !Files.isRegularFile(result)) {
            throw new IllegalArgumentException("Python (" + python.executable() + ", torch " + python.torchVersion()
                    + ") failed while " + what + " with exit status " + status + "; its last lines:"
                    + System.lineSeparator() + "  " + String.join(System.lineSeparator() + "  ", last));
        }
        return JSON.readTree(result.toFile());
    }

    private Path copyScripts() {
        Path folder = workFolder.resolve("scripts");
        try {
            Files.createDirectories(folder);
            for (String script : SCRIPTS) {
                try (InputStream in = PythonStep.class.getResourceAsStream("torch/" + script)) {
                    if (in == null) {
                        throw new IllegalStateException("The tools jar lacks its Python script torch/" + script);
                    }
                    Files.write(folder.resolve(script), in.readAllBytes());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the Python scripts to " + folder, e);
        }
        return folder;
    }
}
