package io.flinkinference.modelstore;

import io.flinkinference.modelstore.ModelStoreException.ChecksumMismatchException;
import io.flinkinference.modelstore.ModelStoreException.MissingArtifactException;
import io.flinkinference.modelstore.manifest.FileEntry;
import io.flinkinference.modelstore.manifest.Manifest;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * One published, immutable version of a model: its manifest and access to its files. Every read
 * through {@link #readArtifact} is checked against the manifest's sha256, so a corrupted or
 * tampered file never reaches an engine.
 */
public final class ModelVersion {
    private final FileSystem fs;
    private final Path dir;
    private final Manifest manifest;

    ModelVersion(FileSystem fs, Path dir, Manifest manifest) {
        this.fs = fs;
        this.dir = dir;
        this.manifest = manifest;
    }

    public Manifest manifest() {
        return manifest;
    }

    public ModelRef ref() {
        return ModelRef.of(manifest.name(), manifest.version());
    }

    /** The version's folder, as a URI string (for messages and logs). */
    public String location() {
        return dir.toUri().toString();
    }

    /** The root of the store this version belongs to ({@code <root>/<model>/<version>}). */
    public java.net.URI storeRoot() {
        return dir.getParent().getParent().toUri();
    }

    /** Reads a whole file of this version, after checking its sha256 against the manifest. */
    public byte[] readArtifact(String fileName) {
        FileEntry entry = entry(fileName);
        MessageDigest digest = Checksums.newSha256();
        byte[] bytes;
        try (InputStream in = new DigestInputStream(open(entry), digest)) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + describe(fileName), e);
        }
        String actual = Checksums.hex(digest);
        if (!actual.equals(entry.sha256())) {
            throw mismatch(fileName, entry.sha256(), actual);
        }
        return bytes;
    }

    /** Reads a UTF-8 text file of this version (labels, alphabet) as lines, checked. */
    public java.util.List<String> readLines(String fileName) {
        return new String(readArtifact(fileName), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
    }

    /** Reads the main model file (the manifest's {@code artifact}), checked. */
    public byte[] readModel() {
        return readArtifact(manifest.artifact());
    }

    /** Hashes every file and reports each one; throws nothing for a bad file. */
    public List<FileCheck> verify() {
        List<FileCheck> checks = new ArrayList<>();
        for (FileEntry entry : manifest.files()) {
            checks.add(check(entry));
        }
        return checks;
    }

    /** Hashes every file and throws for the first one that is missing or differs. */
    public void verifyOrThrow() {
        for (FileCheck check : verify()) {
            switch (check.status()) {
                case OK -> { }
                case MISSING -> throw new MissingArtifactException(
                        describe(check.name()) + " is listed in the manifest but missing.");
                case MISMATCH -> throw mismatch(check.name(), check.expectedSha256(), check.actualSha256());
            }
        }
    }

    private FileCheck check(FileEntry entry) {
        MessageDigest digest = Checksums.newSha256();
        try (InputStream in = new DigestInputStream(open(entry), digest)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (MissingArtifactException e) {
            return new FileCheck(entry.name(), entry.sha256(), null, FileCheck.Status.MISSING);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + describe(entry.name()), e);
        }
        String actual = Checksums.hex(digest);
        return new FileCheck(entry.name(), entry.sha256(), actual,
                actual.equals(entry.sha256()) ? FileCheck.Status.OK : FileCheck.Status.MISMATCH);
    }

    private FileEntry entry(String fileName) {
        return manifest.file(fileName).orElseThrow(() -> new MissingArtifactException(
                ref() + " has no file '" + fileName + "'; its manifest lists "
                        + manifest.files().stream().map(FileEntry::name).toList()));
    }

    private InputStream open(FileEntry entry) throws IOException {
        Path path = new Path(dir, entry.name());
        if (!fs.exists(path)) {
            throw new MissingArtifactException(describe(entry.name()) + " is listed in the manifest but missing.");
        }
        return fs.open(path);
    }

    private ChecksumMismatchException mismatch(String fileName, String expected, String actual) {
        return new ChecksumMismatchException(
                describe(fileName) + " does not match its manifest: sha256 is " + actual
                        + ", expected " + expected + ". The file was changed after publishing; "
                        + "publish a new version instead of editing one.");
    }

    private String describe(String fileName) {
        return "File '" + fileName + "' of " + ref() + " (" + location() + ")";
    }

    /** The outcome of hashing one file. */
    public record FileCheck(String name, String expectedSha256, String actualSha256, Status status) {
        public enum Status {
            OK,
            MISSING,
            MISMATCH
        }
    }

    @Override
    public String toString() {
        return ref() + " at " + location();
    }
}
