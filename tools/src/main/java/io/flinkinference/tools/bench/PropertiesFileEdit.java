package io.flinkinference.tools.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sets keys in a properties file the way a person would edit it: an existing key's entry is
 * replaced where it stands (a second entry of the key, which {@link java.util.Properties} would
 * have let win, is removed), keys not there are appended, and every other line, comments and
 * blank lines included, stays as it was. The file is created when missing. Values are written
 * as they are; the callers' values (numbers, booleans) need no escaping.
 */
public final class PropertiesFileEdit {
    private PropertiesFileEdit() {}

    public static void set(Path file, Map<String, String> entries) throws IOException {
        List<String> lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.ISO_8859_1) : List.of();
        Map<String, String> pending = new LinkedHashMap<>(entries);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String key = keyOf(line);
            // An entry goes on while its line ends in an odd number of backslashes; a comment never does.
            List<String> logical = new ArrayList<>(List.of(line));
            while (key != null && continues(logical.get(logical.size() - 1)) && i + 1 < lines.size()) {
                logical.add(lines.get(++i));
            }
            if (key != null && entries.containsKey(key)) {
                if (pending.containsKey(key)) {
                    out.add(key + "=" + pending.remove(key));
                }
                continue; // a later entry of a key already written
            }
            out.addAll(logical);
        }
        pending.forEach((key, value) -> out.add(key + "=" + value));
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(file, out, StandardCharsets.ISO_8859_1);
    }

    /** The key of an entry line as {@link java.util.Properties} reads it, or null for a comment or blank line. */
    static String keyOf(String line) {
        int start = 0;
        while (start < line.length() && Character.isWhitespace(line.charAt(start))) {
            start++;
        }
        if (start == line.length() || line.charAt(start) == '#' || line.charAt(start) == '!') {
            return null;
        }
        StringBuilder key = new StringBuilder();
        for (int i = start; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                key.append(line.charAt(++i));
            } else if (c == '=' || c == ':' || Character.isWhitespace(c)) {
                break;
            } else {
                key.append(c);
            }
        }
        return key.toString();
    }

    private static boolean continues(String line) {
        int backslashes = 0;
        for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }
}
