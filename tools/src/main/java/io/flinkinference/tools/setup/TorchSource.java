package io.flinkinference.tools.setup;

import io.flinkinference.modelstore.Checksums;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a PyTorch model comes from: a TorchScript archive, or a Python file with the class (or
 * factory function) that builds it and, optionally, a state dict of its weights. The exported
 * model's lineage records it with the files' hashes, so that {@code setup prune --finetune} can
 * find the source again and refuse it when it changed since the export.
 */
record TorchSource(Path file, String className, Path stateDict) {
    static final String FILE = "torch.source.file";
    static final String CLASS = "torch.source.class";
    static final String STATE_DICT = "torch.source.stateDict";
    static final String SHA256 = "source.sha256";
    static final String STATE_DICT_SHA256 = "source.stateDict.sha256";

    TorchSource {
        file = file.toAbsolutePath().normalize();
        stateDict = stateDict == null ? null : stateDict.toAbsolutePath().normalize();
    }

    /** Checks what the user gave before Python starts, so that a typo costs no torch import. */
    static TorchSource of(Path file, String className, Path stateDict) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("No such model file: " + file);
        }
        boolean python = file.getFileName().toString().endsWith(".py");
        if (python && className == null) {
            throw new IllegalArgumentException(file + " is Python source: name the nn.Module class (or the function "
                    + "returning the model) it defines with --class, and give its weights with --state-dict.");
        }
        if (!python && (className != null || stateDict != null)) {
            throw new IllegalArgumentException("--class and --state-dict go with a Python file (.py) that defines the "
                    + "model; " + file.getFileName() + " is read as a TorchScript archive, which holds both.");
        }
        if (stateDict != null && !Files.isRegularFile(stateDict)) {
            throw new IllegalArgumentException("No such state dict file: " + stateDict);
        }
        return new TorchSource(file, className, stateDict);
    }

    boolean isTorchScript() {
        return className == null;
    }

    /** What the Python scripts read. */
    Map<String, Object> json() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("kind", isTorchScript() ? "torchscript" : "python");
        json.put("file", file.toString());
        json.put("class", className);
        json.put("stateDict", stateDict == null ? null : stateDict.toString());
        return json;
    }

    /** The lineage attributes naming the source and its hashes as they are now. */
    Map<String, String> lineage() throws IOException {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put(FILE, file.toString());
        facts.put(SHA256, sha256(file));
        if (className != null) {
            facts.put(CLASS, className);
        }
        if (stateDict != null) {
            facts.put(STATE_DICT, stateDict.toString());
            facts.put(STATE_DICT_SHA256, sha256(stateDict));
        }
        return facts;
    }

    /**
     * The source a model was exported from, as its lineage records it, after checking that its
     * files are still there and unchanged (a different model would be fine-tuned against the wrong parent).
     */
    static TorchSource fromLineage(String model, Map<String, String> attributes) throws IOException {
        String file = attributes.get(FILE);
        if (file == null) {
            throw new IllegalArgumentException(model + " was not exported from PyTorch by 'setup export' (its lineage "
                    + "has no " + FILE + "), so there is no PyTorch model to fine-tune. Export the model with "
                    + "'setup export' first, or prune without --finetune.");
        }
        String stateDict = attributes.get(STATE_DICT);
        TorchSource source = new TorchSource(Path.of(file), attributes.get(CLASS), stateDict == null ? null : Path.of(stateDict));
        source.checkUnchanged(model, source.file, attributes.get(SHA256));
        if (source.stateDict != null) {
            source.checkUnchanged(model, source.stateDict, attributes.get(STATE_DICT_SHA256));
        }
        return source;
    }

    private void checkUnchanged(String model, Path path, String recorded) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException(model + " was exported from " + path + ", which is gone; fine-tuning "
                    + "needs that PyTorch source.");
        }
        String now = sha256(path);
        if (!now.equals(recorded)) {
            throw new IllegalArgumentException(path + " has changed since " + model + " was exported from it (sha256 "
                    + recorded + " then, " + now + " now); export it again, so that the parent and its source agree.");
        }
    }

    static String sha256(Path path) throws IOException {
        MessageDigest digest = Checksums.newSha256();
        try (InputStream in = Files.newInputStream(path)) {
            byte[] buffer = new byte[1 << 16];
            for (int read = in.read(buffer); read > 0; read = in.read(buffer)) {
                digest.update(buffer, 0, read);
            }
        }
        return Checksums.hex(digest);
    }
}
