package io.flinkinference.k8s;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static io.flinkinference.k8s.Manifests.K8S;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every schema file is the released one SOURCES.md names: same bytes, and no file without a row. */
class SchemaSourcesTest {
    @Test
    void everySchemaFileMatchesTheChecksumOfItsRelease() throws Exception {
        Path folder = K8S.resolve("schemas");
        Map<String, String> listed = new TreeMap<>();
        for (String line : Files.readAllLines(folder.resolve("SOURCES.md"))) {
            String[] cells = line.split("\\|");
            if (cells.length >= 6 && cells[5].strip().matches("[0-9a-f]{64}")) {
                listed.put(cells[1].strip(), cells[5].strip());
            }
        }
        Map<String, String> present = new TreeMap<>();
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().equals("SOURCES.md")).toList()) {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
                present.put(folder.relativize(file).toString(), HexFormat.of().formatHex(digest));
            }
        }
        assertEquals(listed, present);
    }
}
