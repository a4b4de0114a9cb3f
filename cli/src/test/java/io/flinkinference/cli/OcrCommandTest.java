package io.flinkinference.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flinkinference.operators.ocr.CharacterErrorRate;
import io.flinkinference.samples.DocumentPages;
import io.flinkinference.testing.CommandRunner;
import io.flinkinference.testing.TestModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code flink-inference ocr} as a user runs it, on the embedded default (a real broker, a real
 * MiniCluster, the real models), on rendered pages of known text written as PNG and JPEG files.
 */
class OcrCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path folder;

    /** File name -> the page's lines. */
    private static final Map<String, List<String>> TRUTH = new LinkedHashMap<>();

    private final CommandRunner cli = CommandRunner.of(FlinkInferenceCli::commandLine);

    @BeforeAll
    static void writePages() throws IOException {
        Path scans = Files.createDirectories(folder.resolve("scans"));
        for (int i = 0; i < 3; i++) {
            DocumentPages.Page page = DocumentPages.page(7100 + i);
            Path file = scans.resolve("page-" + i + (i == 1 ? ".jpg" : ".png"));
            // A high-quality JPEG: ImageIO's default 0.75 blurs the thin serifs enough to cost characters.
            Files.write(file, i == 1 ? io.flinkinference.samples.ImageFiles.jpeg(page.image(), 0.95f, false) : page.png());
            TRUTH.put(ImageInputs.key(file), page.lines());
        }
        Files.writeString(scans.resolve("notes.txt"), "not an image, and not in a folder's image suffixes");
    }

    @Test
    void printsEachFilesLinesInReadingOrderAndNamesTheFileThatIsNoImage() throws IOException {
        Path broken = Files.write(folder.resolve("broken.png"), DocumentPages.randomBytes(5, 700));

        int status = cli.run("ocr", folder.resolve("scans").toString(), broken.toString(), "--store", TestModels.storeLocation());

        assertThat(status).as(cli.err()).isEqualTo(1);
        Map<String, List<String>> printed = textBlocks(cli.out());
        assertThat(printed.keySet()).as(cli.out()).containsExactlyElementsOf(TRUTH.keySet());
        TRUTH.forEach((file, lines) -> {
            List<String> rows = printed.get(file);
            assertThat(rows).as(file + ": one row per line, top to bottom").hasSameSizeAs(lines);
            for (int i = 0; i < rows.size(); i++) {
                assertThat(CharacterErrorRate.of(lines.get(i), rows.get(i))).as(file + " row " + i + ": " + rows.get(i)).isLessThan(0.3);
            }
        });
        assertThat(cli.err()).contains("Skipped 1 file(s)").contains("notes.txt")
                .contains("Not read: 1 of 4 file(s)")
                .contains(ImageInputs.key(broken) + ": The payload (700 bytes").contains("is not an image format");
    }

    @Test
    void jsonGivesOneObjectPerImageWithBoxesTextAndConfidence() throws IOException {
        List<String> files = new ArrayList<>(TRUTH.keySet());

        int status = cli.run("ocr", "--json", files.get(0), files.get(2), "--store", TestModels.storeLocation());

        assertThat(status).as(cli.err()).isZero();
        List<String> lines = cli.out().lines().toList();
        assertThat(lines).hasSize(2);
        for (int i = 0; i < 2; i++) {
            JsonNode image = JSON.readTree(lines.get(i));
            String file = files.get(i * 2);
            assertThat(image.get("file").asText()).isEqualTo(file);
            List<String> expected = TRUTH.get(file);
            assertThat(CharacterErrorRate.of(String.join("\n", expected), image.get("text").asText())).isLessThan(0.1);
            assertThat(image.get("lines")).hasSize(expected.size());
            double previousTop = -1;
            for (JsonNode line : image.get("lines")) {
                assertThat(line.get("text").asText()).isNotEmpty();
                assertThat(line.get("confidence").asDouble()).isBetween(0.5, 1.0);
                JsonNode box = line.get("box");
                assertThat(box).hasSize(4);
                box.forEach(corner -> assertThat(corner).hasSize(2));
                double top = box.get(0).get(1).asDouble();
                assertThat(top).as("reading order: each line below the one before").isGreaterThan(previousTop);
                previousTop = top;
            }
        }
    }

    @Test
    void withoutTheModelsItSaysHowToFetchThemBeforeStartingAnything(@TempDir Path emptyStore) {
        int status = cli.run("ocr", TRUTH.keySet().iterator().next(), "--store", emptyStore.toString());

        assertThat(status).isEqualTo(1);
        assertThat(cli.err()).contains("The OCR pipeline needs ppocr-det, ppocr-cls, ppocr-rec")
                .contains("flink-inference models fetch")
                .doesNotContain("Starting a Kafka broker");
    }

    @Test
    void aMissingFileIsAUsageErrorAndHelpHasExamples() {
        assertThat(cli.run("ocr", folder.resolve("no-such.png").toString())).isEqualTo(2);
        assertThat(cli.err()).contains("No such file or folder").contains("no-such.png");

        assertThat(cli.run("ocr", "--help")).isZero();
        assertThat(cli.out()).contains("--json").contains("--det-max-batch-size").contains("Examples:")
                .contains("flink-inference ocr receipt.jpg");
    }

    /** The text output's blocks: a file name, then its lines indented by two spaces; blocks apart by a blank line. */
    private static Map<String, List<String>> textBlocks(String out) {
        Map<String, List<String>> blocks = new LinkedHashMap<>();
        for (String block : out.split("\n\n")) {
            List<String> lines = new ArrayList<>(Arrays.asList(block.strip().split("\n")));
            String file = lines.remove(0);
            blocks.put(file, lines.stream().map(String::strip).toList());
        }
        return blocks;
    }
}
