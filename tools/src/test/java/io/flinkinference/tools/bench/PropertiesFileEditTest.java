package io.flinkinference.tools.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PropertiesFileEditTest {

    @Test
    void replacesKeysWhereTheyStandAppendsTheOthersAndKeepsEveryOtherLine(@TempDir Path folder) throws IOException {
        Path file = folder.resolve("job.properties");
        Files.writeString(file, String.join("\n",
                "# settings for the classify job",
                "",
                "inference.model=ppocr-cls",
                "  inference.batch.max-size : 32",
                "! inference.batch.fit-to-engine=true is only a comment",
                "kafka.sasl.jaas.config=a \\",
                "    inference.batch.max-size=continued, not a key",
                "inference.batch.max-size=64",
                ""));

        PropertiesFileEdit.set(file, entries("inference.batch.max-size", "4", "inference.batch.fit-to-engine", "false"));

        assertThat(Files.readAllLines(file)).containsExactly(
                "# settings for the classify job",
                "",
                "inference.model=ppocr-cls",
                "inference.batch.max-size=4",
                "! inference.batch.fit-to-engine=true is only a comment",
                "kafka.sasl.jaas.config=a \\",
                "    inference.batch.max-size=continued, not a key",
                "inference.batch.fit-to-engine=false");
    }

    @Test
    void createsAMissingFileAndItsFolder(@TempDir Path folder) throws IOException {
        Path file = folder.resolve("conf/job.properties");

        PropertiesFileEdit.set(file, entries("inference.batch.max-size", "8"));

        assertThat(Files.readAllLines(file)).containsExactly("inference.batch.max-size=8");
    }

    @Test
    void readsKeysAsPropertiesDoes() {
        assertThat(PropertiesFileEdit.keyOf("a.b=c")).isEqualTo("a.b");
        assertThat(PropertiesFileEdit.keyOf("   a.b   c")).isEqualTo("a.b");
        assertThat(PropertiesFileEdit.keyOf("a\\=b:c")).isEqualTo("a=b");
        assertThat(PropertiesFileEdit.keyOf("# a=b")).isNull();
        assertThat(PropertiesFileEdit.keyOf("   ")).isNull();
    }

    private static Map<String, String> entries(String... keysAndValues) {
        Map<String, String> entries = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            entries.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return entries;
    }
}
