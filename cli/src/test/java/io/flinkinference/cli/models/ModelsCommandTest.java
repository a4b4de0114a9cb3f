package io.flinkinference.cli.models;

import io.flinkinference.testing.CommandRunner;
import io.flinkinference.jobs.cli.CliErrors;

import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.samples.models.PaddleOcrModels;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Drives {@code flink-inference models} as a user would, on a store with the real models. */
class ModelsCommandTest {
    @TempDir
    Path root;

    private final CommandRunner cli = CommandRunner.of(() -> new CommandLine(new ModelsCommand()).setExecutionExceptionHandler(new CliErrors()));

    @BeforeEach
    void fetchModels() throws IOException {
        PaddleOcrModels.fetchInto(ModelStore.open(root.toUri()), line -> { });
    }

    @Test
    void listsShowsAndVerifies() {
        assertThat(run("list")).isZero();
        assertThat(cli.out()).contains("ppocr-cls").contains("ppocr-det").contains("ppocr-rec");

        assertThat(run("show", "ppocr-cls")).isZero();
        assertThat(cli.out())
                .contains("ppocr-cls:1")
                .contains("input:     x float32[")
                .contains("preprocess: 48x192 NCHW BGR, resize fit-height-pad")
                .contains("postprocess: topk")
                .contains("491843a3c65de46295864c6815e41127eaa812c4dac1e19c6850ec49da9d3640");

        assertThat(run("verify")).isZero();
        assertThat(cli.out()).contains("0 problems");
    }

    @Test
    void verifyFailsOnATamperedFileAndNamesIt() throws IOException {
        Files.writeString(root.resolve("ppocr-cls/1/labels.txt"), "0\n999\n");

        assertThat(run("verify", "ppocr-cls")).isEqualTo(1);
        assertThat(cli.err() + cli.out()).contains("labels.txt");
        assertThat(run("verify", "ppocr-rec:1")).isZero();
    }

    @Test
    void importsAnOnnxFileWithPreprocessingAndLabels() throws IOException {
        Path labels = root.resolve("orientation.txt");
        Files.writeString(labels, "up\ndown\n");
        Path onnx = root.resolve("ppocr-cls/1/model.onnx");

        assertThat(run("import", onnx.toString(), "--name", "my-cls", "--size", "48x192", "--channels", "BGR",
                "--mean", "0.5,0.5,0.5", "--std", "0.5,0.5,0.5", "--resize", "fit-height-pad",
                "--labels", labels.toString(), "--top-k", "1")).isZero();
        assertThat(cli.out()).contains("Published my-cls:1");

        assertThat(run("show", "my-cls:1", "--json")).isZero();
        assertThat(cli.out())
                .contains("\"labelsFile\" : \"orientation.txt\"")
                .contains("\"resizeMode\" : \"fit-height-pad\"")
                .contains("\"channelOrder\" : \"BGR\"");
    }

    @Test
    void importsTheImageNetCropWithItsShortSide() {
        Path onnx = root.resolve("ppocr-cls/1/model.onnx");

        assertThat(run("import", onnx.toString(), "--name", "cropped", "--size", "48x192", "--resize", "short-side-center-crop"))
                .as(cli.err()).isZero();
        assertThat(run("import", onnx.toString(), "--name", "cropped", "--size", "48x192", "--resize", "short-side-center-crop",
                "--resize-short", "256")).as(cli.err()).isZero();

        assertThat(run("show", "cropped:1")).isZero();
        assertThat(cli.out()).contains("resize short-side-center-crop (short side 219)"); // round(192 * 256 / 224)
        assertThat(run("show", "cropped:2", "--json")).isZero();
        assertThat(cli.out()).contains("\"resizeMode\" : \"short-side-center-crop\"").contains("\"resizeShort\" : 256");
    }

    @Test
    void anUnknownResizeModeOrAStrayShortSideIsRefusedWithWhatWouldWork() {
        Path onnx = root.resolve("ppocr-cls/1/model.onnx");

        assertThat(run("import", onnx.toString(), "--name", "bad", "--size", "48x192", "--resize", "center-crop")).isEqualTo(2);
        assertThat(cli.err()).contains("Invalid value for option '--resize'")
                .contains("Unknown resize mode 'center-crop'; known: stretch, fit-height-pad, short-side-center-crop");

        assertThat(run("import", onnx.toString(), "--name", "bad", "--size", "48x192", "--resize-short", "256")).isEqualTo(2);
        assertThat(cli.err()).contains("--resize-short applies to --resize short-side-center-crop only, not stretch");

        assertThat(run("import", onnx.toString(), "--name", "bad", "--size", "48x192", "--resize", "short-side-center-crop",
                "--resize-short", "100")).isEqualTo(2);
        assertThat(cli.err()).contains("--resize-short 100 is smaller than the 48x192 crop").contains("at least 192");

        assertThat(run("list")).isZero();
        assertThat(cli.out()).doesNotContain("bad");

        assertThat(run("import", "--help")).isZero();
        assertThat(cli.out().replaceAll("\\s+", " ")).contains("short-side-center-crop: the short side to --resize-short")
                .contains("the ImageNet recipe");
    }

    @Test
    void importsThatCouldNotWorkAreRefusedWithTheReasonAndPublishNothing() throws IOException {
        Path onnx = root.resolve("ppocr-cls/1/model.onnx");
        Path threeLabels = root.resolve("three.txt");
        Files.writeString(threeLabels, "up\ndown\nsideways\n");

        assertThat(run("import", onnx.toString(), "--name", "bad", "--size", "48x192", "--labels", threeLabels.toString()))
                .isEqualTo(2);
        assertThat(cli.err()).contains("three.txt has 3 labels").contains("has 2 classes").contains("Nothing was published");

        assertThat(run("import", onnx.toString(), "--name", "bad")).isEqualTo(2);
        assertThat(cli.err()).contains("looks like images, but no preprocessing was given").contains("--no-preprocessing");

        assertThat(run("import", onnx.toString(), "--name", "bad", "--size", "48x192", "--precision", "float")).isEqualTo(2);
        assertThat(cli.err()).contains("--precision must be one of").contains("'float'");

        assertThat(run("list")).isZero();
        assertThat(cli.out()).doesNotContain("bad");

        assertThat(run("import", onnx.toString(), "--name", "tensors-only", "--no-preprocessing")).isZero();
        assertThat(cli.out()).contains("Published tensors-only:1");
    }

    @Test
    void deleteRemovesOneVersionAndGuardsTheNewestAndParents() throws IOException {
        Path onnx = root.resolve("ppocr-cls/1/model.onnx");
        for (int i = 0; i < 2; i++) {
            assertThat(run("import", onnx.toString(), "--name", "doomed", "--no-preprocessing")).isZero();
        }

        assertThat(run("delete", "doomed")).isEqualTo(1);
        assertThat(cli.err()).contains("Name the version to delete");
        assertThat(run("delete", "doomed:2")).isEqualTo(1);
        assertThat(cli.err()).contains("newest version of doomed").contains("doomed:1 instead").contains("--force");
        assertThat(run("delete", "ppocr-cls:1")).isEqualTo(1);
        assertThat(cli.err()).as("the bundled store's newest").contains("--force");

        assertThat(run("delete", "doomed:1")).isZero();
        assertThat(cli.out()).contains("Deleted doomed:1");
        assertThat(run("show", "doomed:1")).isEqualTo(1);
        assertThat(run("delete", "doomed:2", "--force")).isZero();
        assertThat(run("list")).isZero();
        assertThat(cli.out()).doesNotContain("doomed");
    }

    @Test
    void userErrorsAreOneClearLine() {
        assertThat(run("show", "no-such-model")).isEqualTo(1);
        assertThat(cli.err()).contains("error: No model 'no-such-model'").doesNotContain("at io.");

        assertThat(run("show", "../../etc")).isEqualTo(1);
        assertThat(cli.err()).contains("could escape the model store");

        assertThat(run("import", root.resolve("missing.onnx").toString(), "--name", "x")).isEqualTo(2);
        assertThat(cli.err()).contains("No such model file");
    }

    @Test
    void aBrokenManifestIsReportedWithoutHidingTheRestOfTheStore() throws IOException {
        Files.writeString(root.resolve("ppocr-det/1/manifest.json"), "{ not json");

        assertThat(run("list")).isEqualTo(1);
        assertThat(cli.out()).contains("ppocr-cls").contains("ppocr-rec").containsPattern("ppocr-det +1 +1 +unreadable");
        assertThat(cli.err()).contains("error: ppocr-det").contains("manifest.json is not valid JSON");

        assertThat(run("verify")).isEqualTo(1);
        assertThat(cli.out()).contains("FAIL     ppocr-det:1").contains("ok       ppocr-cls:1");
    }

    @Test
    void verifyRepairRemovesLeftoversOfPublishesThatDidNotFinish() throws IOException {
        Path crashedUpload = Files.createDirectories(root.resolve("ppocr-cls/2"));
        Files.writeString(crashedUpload.resolve("model.onnx"), "half an upload");
        Path staging = Files.createDirectories(root.resolve("ppocr-cls/.staging-0c1d"));
        for (Path path : List.of(crashedUpload.resolve("model.onnx"), crashedUpload, staging)) {
            Files.setLastModifiedTime(path, FileTime.from(Instant.now().minus(Duration.ofDays(1))));
        }
        Path onnx = root.resolve("ppocr-cls/1/model.onnx");
        assertThat(run("import", onnx.toString(), "--name", "ppocr-cls", "--no-preprocessing")).isEqualTo(1);
        assertThat(cli.err()).contains("ppocr-cls:2 is not published").contains(crashedUpload.toString())
                .doesNotContain("already published");

        assertThat(run("verify")).as("leftovers are named, not failures").isZero();
        assertThat(cli.out()).contains("LEFTOVER").contains("--repair");
        assertThat(crashedUpload).exists();

        assertThat(run("verify", "--repair")).isZero();
        assertThat(cli.out().lines().filter(line -> line.startsWith("removed")))
                .anyMatch(line -> line.contains(crashedUpload.toString()))
                .anyMatch(line -> line.contains(".staging-0c1d"));
        assertThat(crashedUpload).doesNotExist();
        assertThat(staging).doesNotExist();
        assertThat(run("import", onnx.toString(), "--name", "ppocr-cls", "--no-preprocessing")).isZero();
        assertThat(cli.out()).contains("Published ppocr-cls:2");
    }

    @Test
    void importRefusesAVersionTheStoreCouldNotList() {
        Path onnx = root.resolve("ppocr-cls/1/model.onnx");
        assertThat(run("import", onnx.toString(), "--name", "huge", "--no-preprocessing", "--version", "1000000000"))
                .isNotZero();
        assertThat(cli.err()).contains("from 1 to 999999999");
        assertThat(root.resolve("huge")).doesNotExist();
    }

    /** Runs {@code models ARGS --store <this test's store>}. */
    private int run(String... args) {
        String[] withStore = new String[args.length + 2];
        System.arraycopy(args, 0, withStore, 0, args.length);
        withStore[args.length] = "--store";
        withStore[args.length + 1] = root.toString();
        return cli.run(withStore);
    }
}
