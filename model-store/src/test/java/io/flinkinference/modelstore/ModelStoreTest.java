package io.flinkinference.modelstore;

import io.flinkinference.modelstore.ModelStore.Leftover;
import io.flinkinference.modelstore.ModelStoreException.ChecksumMismatchException;
import io.flinkinference.modelstore.ModelStoreException.IncompleteVersionException;
import io.flinkinference.modelstore.ModelStoreException.InvalidNameException;
import io.flinkinference.modelstore.ModelStoreException.MalformedManifestException;
import io.flinkinference.modelstore.ModelStoreException.MissingArtifactException;
import io.flinkinference.modelstore.ModelStoreException.ModelNotFoundException;
import io.flinkinference.modelstore.ModelStoreException.UnknownFormatException;
import io.flinkinference.modelstore.ModelStoreException.VersionAlreadyExistsException;
import io.flinkinference.modelstore.manifest.DataType;
import io.flinkinference.modelstore.manifest.Manifest;
import io.flinkinference.modelstore.manifest.Postprocessing;
import io.flinkinference.modelstore.manifest.TensorSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelStoreTest {
    @TempDir
    Path root;

    @TempDir
    Path sources;

    private ModelStore store;

    @BeforeEach
    void openStore() {
        store = ModelStore.open(root.toUri());
    }

    @Test
    void foldersThatAreNoModelNameDoNotHideTheModels() throws Exception {
        store.publish(draft("classifier"), files("weights-1", "a\nb\n"));
        java.nio.file.Files.createDirectories(root.resolve("Bad Name").resolve("1"));
        java.nio.file.Files.createDirectories(root.resolve("..x"));

        assertThat(store.models()).containsExactly("classifier");
    }

    @Test
    void publishesResolvesAndFindsLatest() throws IOException {
        ModelVersion first = store.publish(draft("classifier"), files("weights-1", "a\nb\n"));
        ModelVersion second = store.publish(draft("classifier"), files("weights-2", "a\nb\n"));

        assertThat(first.manifest().version()).isEqualTo(1);
        assertThat(second.manifest().version()).isEqualTo(2);
        assertThat(store.models()).containsExactly("classifier");
        assertThat(store.versions("classifier")).containsExactly(1, 2);
        assertThat(store.resolve(ModelRef.parse("classifier")).manifest().version()).isEqualTo(2);
        assertThat(store.resolve(ModelRef.parse("classifier:latest")).manifest().version()).isEqualTo(2);
        ModelVersion pinned = store.resolve(ModelRef.parse("classifier:1"));
        assertThat(new String(pinned.readModel(), StandardCharsets.UTF_8)).isEqualTo("weights-1");
        assertThat(pinned.manifest().file("model.onnx").orElseThrow().sha256())
                .isEqualTo(Checksums.sha256("weights-1".getBytes(StandardCharsets.UTF_8)));
        assertThat(pinned.manifest().createdAt()).isNotNull();
        assertThat(pinned.manifest().schemaVersion()).isEqualTo(Manifest.SCHEMA_VERSION);
        assertThat(pinned.verify()).allMatch(c -> c.status() == ModelVersion.FileCheck.Status.OK);
    }

    @Test
    void publishedVersionsAreImmutable() throws IOException {
        store.publish(draft("m"), files("one", "x\ny\n"), OptionalInt.of(7));

        assertThatThrownBy(() -> store.publish(draft("m"), files("two", "x\ny\n"), OptionalInt.of(7)))
                .isInstanceOf(VersionAlreadyExistsException.class)
                .hasMessageContaining("m:7 is already published");
        assertThat(new String(store.resolve(ModelRef.of("m", 7)).readModel(), StandardCharsets.UTF_8)).isEqualTo("one");
        assertThat(store.publish(draft("m"), files("three", "x\ny\n")).manifest().version()).isEqualTo(8);
    }

    @Test
    void unknownModelOrVersionSaysWhatExists() throws IOException {
        store.publish(draft("m"), files("one", "x\ny\n"));

        assertThatThrownBy(() -> store.resolve(ModelRef.parse("other")))
                .isInstanceOf(ModelNotFoundException.class)
                .hasMessageContaining("No model 'other'")
                .hasMessageContaining("[m]");
        assertThatThrownBy(() -> store.resolve(ModelRef.parse("m:5")))
                .isInstanceOf(ModelNotFoundException.class)
                .hasMessageContaining("its versions are [1]");
    }

    @Test
    void concurrentReadersNeverSeeAPartialVersion() throws Exception {
        byte[] big = new byte[4 << 20];
        new Random(1).nextBytes(big);
        Path model = sources.resolve("big.onnx");
        Files.write(model, big);
        Path labels = sources.resolve("labels.txt");
        Files.writeString(labels, "a\nb\n");

        AtomicBoolean publishing = new AtomicBoolean(true);
        AtomicInteger reads = new AtomicInteger();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> {
            ModelStore readerStore = ModelStore.open(root.toUri());
            while (publishing.get()) {
                try {
                    for (int version : readerStore.versions("big")) {
                        // Every listed version must resolve and hash correctly, whole.
                        readerStore.resolve(ModelRef.of("big", version)).verifyOrThrow();
                        reads.incrementAndGet();
                    }
                } catch (Throwable t) {
                    failures.add(t);
                    return;
                }
            }
        });
        reader.start();
        for (int i = 0; i < 8; i++) {
            store.publish(draft("big"), Map.of("model.onnx", model, "labels.txt", labels));
        }
        publishing.set(false);
        reader.join();

        assertThat(failures).isEmpty();
        assertThat(reads.get()).isPositive();
        assertThat(store.versions("big")).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        try (var entries = Files.list(root.resolve("big"))) {
            assertThat(entries.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".staging"));
        }
    }

    @Test
    void rejectsPathTraversalInNames() {
        assertThatThrownBy(() -> ModelRef.parse("../etc"))
                .isInstanceOf(InvalidNameException.class)
                .hasMessageContaining("could escape the model store");
        assertThatThrownBy(() -> store.publish(draft("ok"), Map.of("../evil.onnx", sources)))
                .isInstanceOf(InvalidNameException.class)
                .hasMessageContaining("'../evil.onnx'");
        assertThatThrownBy(() -> store.versions("a/b")).isInstanceOf(InvalidNameException.class);
    }

    @Test
    void detectsAMissingFile() throws IOException {
        store.publish(draft("m"), files("one", "x\ny\n"));
        Files.delete(root.resolve("m/1/labels.txt"));

        assertThatThrownBy(() -> store.resolve(ModelRef.parse("m")))
                .isInstanceOf(MissingArtifactException.class)
                .hasMessageContaining("File 'labels.txt' of m:1")
                .hasMessageContaining("missing");
    }

    @Test
    void detectsAChangedFile() throws IOException {
        store.publish(draft("m"), files("weights", "x\ny\n"));
        Files.writeString(root.resolve("m/1/model.onnx"), "WEIGHTS"); // same size, other bytes
        ModelVersion version = store.resolve(ModelRef.parse("m"));

        assertThatThrownBy(version::readModel)
                .isInstanceOf(ChecksumMismatchException.class)
                .hasMessageContaining("File 'model.onnx' of m:1")
                .hasMessageContaining("expected " + Checksums.sha256("weights".getBytes(StandardCharsets.UTF_8)));
        assertThat(version.verify()).extracting(ModelVersion.FileCheck::status)
                .contains(ModelVersion.FileCheck.Status.MISMATCH);

        Files.writeString(root.resolve("m/1/model.onnx"), "longer weights");
        assertThatThrownBy(() -> store.resolve(ModelRef.parse("m")))
                .isInstanceOf(ChecksumMismatchException.class)
                .hasMessageContaining("has 14 bytes; the manifest says 7");
    }

    @Test
    void rejectsAnUnknownFormat() throws IOException {
        store.publish(draft("m"), files("w", "x\ny\n"));
        editManifest("m/1", "\"format\" : \"onnx\"", "\"format\" : \"caffe\"");

        assertThatThrownBy(() -> store.resolve(ModelRef.parse("m")))
                .isInstanceOf(UnknownFormatException.class)
                .hasMessageContaining("declares format 'caffe'")
                .hasMessageContaining("onnx, tensorrt-plan");
    }

    @Test
    void rejectsMalformedManifests() throws IOException {
        store.publish(draft("m"), files("w", "x\ny\n"));
        Path manifest = root.resolve("m/1/manifest.json");
        String good = Files.readString(manifest);

        Files.writeString(manifest, good.substring(0, good.length() / 2));
        assertThatThrownBy(() -> store.resolve(ModelRef.parse("m")))
                .isInstanceOf(MalformedManifestException.class)
                .hasMessageContaining("manifest.json is not valid JSON");

        Files.writeString(manifest, good.replace("\"artifact\" : \"model.onnx\"", "\"artifact\" : \"other.onnx\""));
        assertThatThrownBy(() -> store.resolve(ModelRef.parse("m")))
                .isInstanceOf(MalformedManifestException.class)
                .hasMessageContaining("the artifact 'other.onnx' is not among its files");

        Files.writeString(manifest, good.replace("\"schemaVersion\" : 1", "\"schemaVersion\" : 99"));
        assertThatThrownBy(() -> store.resolve(ModelRef.parse("m")))
                .isInstanceOf(MalformedManifestException.class)
                .hasMessageContaining("uses manifest schema 99");

        Files.writeString(manifest, good.replace("\"dtype\" : \"float32\"", "\"dtype\" : \"complex128\""));
        assertThatThrownBy(() -> store.resolve(ModelRef.parse("m")))
                .isInstanceOf(MalformedManifestException.class)
                .hasMessageContaining("complex128");

        Files.writeString(manifest, good.replace("\"version\" : 1", "\"version\" : 2"));
        assertThatThrownBy(() -> store.resolve(ModelRef.parse("m")))
                .isInstanceOf(MalformedManifestException.class)
                .hasMessageContaining("describes m:2 but lives in the folder of m:1");
    }

    @Test
    void readsManifestsWithFieldsItDoesNotKnow() throws IOException {
        store.publish(draft("m"), files("w", "x\ny\n"));
        editManifest("m/1", "\"precision\" : \"fp32\"", "\"precision\" : \"fp32\", \"futureField\" : {\"a\": 1}");

        assertThat(store.resolve(ModelRef.parse("m")).manifest().precision()).isEqualTo("fp32");
    }

    @Test
    void refusesToPublishAManifestThatNamesAMissingFile() throws IOException {
        Manifest draft = Manifest.builder("m")
                .artifact("model.onnx")
                .inputs(List.of(new TensorSpec("x", DataType.FLOAT32, List.of(-1L, 3L), List.of("N"))))
                .outputs(List.of(new TensorSpec("y", DataType.FLOAT32, List.of(-1L, 2L), null)))
                .postprocessing(Postprocessing.topK("y", "labels.txt", 1))
                .build();
        Path model = sources.resolve("model.onnx");
        Files.writeString(model, "w");

        assertThatThrownBy(() -> store.publish(draft, Map.of("model.onnx", model)))
                .isInstanceOf(MalformedManifestException.class)
                .hasMessageContaining("labelsFile 'labels.txt' is not among its files");
        assertThat(store.models()).isEmpty();
    }

    @Test
    void refusesVersionsItCouldNotListBeforeWritingAnything() throws IOException {
        assertThatThrownBy(() -> store.publish(draft("m"), files("w", "x\ny\n"), OptionalInt.of(1_000_000_000)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("from 1 to 999999999");
        assertThat(root.resolve("m")).doesNotExist();
        assertThatThrownBy(() -> ModelRef.parse("m:1000000000")).hasMessageContaining("from 1 to 999999999");

        assertThat(store.publish(draft("m"), files("w", "x\ny\n"), OptionalInt.of(ModelRef.MAX_VERSION)).ref())
                .isEqualTo(ModelRef.of("m", ModelRef.MAX_VERSION));
        assertThat(store.versions("m")).containsExactly(ModelRef.MAX_VERSION);
        assertThatThrownBy(() -> store.publish(draft("m"), files("w", "x\ny\n")))
                .hasMessageContaining("from 1 to 999999999");
    }

    @Test
    void aVersionFolderWithoutManifestIsCalledALeftoverNotAPublishedVersion() throws IOException {
        store.publish(draft("m"), files("w", "x\ny\n"));
        Path leftover = Files.createDirectories(root.resolve("m/2"));
        Files.writeString(leftover.resolve("model.onnx"), "half an upload");

        for (OptionalInt version : List.of(OptionalInt.of(2), OptionalInt.empty())) {
            assertThatThrownBy(() -> store.publish(draft("m"), files("w2", "x\ny\n"), version))
                    .isInstanceOf(IncompleteVersionException.class)
                    .hasMessageContaining("m:2")
                    .hasMessageContaining("no manifest.json")
                    .hasMessageContaining(leftover.toString())
                    .hasMessageNotContaining("already published");
        }
        assertThat(Files.readString(leftover.resolve("model.onnx"))).isEqualTo("half an upload");
    }

    @Test
    void removesLeftoversOnceTheyAreOldAndNothingElse() throws IOException {
        store.publish(draft("m"), files("w", "x\ny\n"));
        Path crashedUpload = Files.createDirectories(root.resolve("m/2"));
        Files.writeString(crashedUpload.resolve("model.onnx"), "half");
        Path oldStaging = Files.createDirectories(root.resolve("m/.staging-1234"));
        Files.writeString(oldStaging.resolve("model.onnx"), "half");
        Path freshStaging = Files.createDirectories(root.resolve("m/.staging-5678"));
        Files.writeString(freshStaging.resolve("model.onnx"), "being written now");
        for (Path old : List.of(crashedUpload, oldStaging)) {
            age(old.resolve("model.onnx"));
            age(old);
        }

        List<Leftover> found = store.leftovers(Duration.ofHours(1));
        assertThat(found).extracting(leftover -> Path.of(leftover.path().getPath()))
                .containsExactlyInAnyOrder(crashedUpload, oldStaging);
        assertThat(store.removeLeftovers(Duration.ofHours(1))).isEqualTo(found);

        assertThat(crashedUpload).doesNotExist();
        assertThat(oldStaging).doesNotExist();
        assertThat(freshStaging.resolve("model.onnx")).exists();
        assertThat(store.versions("m")).containsExactly(1);
        assertThat(store.leftovers(Duration.ofHours(1))).isEmpty();
        assertThat(store.publish(draft("m"), files("w2", "x\ny\n")).ref()).isEqualTo(ModelRef.of("m", 2));
    }

    /** Dates a file two hours back, as a crash that long ago would have left it. */
    private static void age(Path path) throws IOException {
        Files.setLastModifiedTime(path, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
    }

    private void editManifest(String versionDir, String from, String to) throws IOException {
        Path manifest = root.resolve(versionDir).resolve("manifest.json");
        String text = Files.readString(manifest);
        assertThat(text).contains(from);
        Files.writeString(manifest, text.replace(from, to));
    }

    private Map<String, Path> files(String modelBytes, String labels) throws IOException {
        Path dir = Files.createTempDirectory(sources, "v");
        Path model = dir.resolve("model.onnx");
        Files.writeString(model, modelBytes);
        Path labelsFile = dir.resolve("labels.txt");
        Files.writeString(labelsFile, labels);
        return Map.of("model.onnx", model, "labels.txt", labelsFile);
    }

    private static Manifest draft(String name) {
        return Manifest.builder(name)
                .artifact("model.onnx")
                .inputs(List.of(new TensorSpec("x", DataType.FLOAT32, List.of(-1L, 3L, 8L, 8L), List.of("N"))))
                .outputs(List.of(new TensorSpec("y", DataType.FLOAT32, List.of(-1L, 2L), List.of("N"))))
                .postprocessing(Postprocessing.topK("y", "labels.txt", 1))
                .build();
    }
}
