package io.flinkinference.modelstore;

import io.flinkinference.modelstore.ModelStoreException.ChecksumMismatchException;
import io.flinkinference.modelstore.ModelStoreException.IncompleteVersionException;
import io.flinkinference.modelstore.ModelStoreException.MalformedManifestException;
import io.flinkinference.modelstore.ModelStoreException.MissingArtifactException;
import io.flinkinference.modelstore.ModelStoreException.ModelNotFoundException;
import io.flinkinference.modelstore.ModelStoreException.VersionAlreadyExistsException;
import io.flinkinference.modelstore.manifest.FileEntry;
import io.flinkinference.modelstore.manifest.Manifest;
import io.flinkinference.modelstore.manifest.ManifestCodec;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.FileSystem.WriteMode;
import org.apache.flink.core.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * A versioned model repository on any Flink {@link FileSystem} ({@code file://} locally,
 * {@code s3://} and the other object stores through Flink's plugins).
 *
 * <p>Layout: {@code <root>/<model>/<version>/} holding the files and {@code manifest.json};
 * versions are positive integers, as in Triton's model repository. A folder is a version only once
 * its manifest is there; the store's own staging folders start with a dot and are never listed.
 *
 * <p>Publishing is atomic. On a file system the version is assembled in a staging folder and
 * renamed into place in one step, which also refuses to replace a published version. On an object
 * store ({@code s3://}, {@code gs://}, ...: no atomic rename) the files are uploaded first and the manifest last; a single object
 * upload is atomic, so readers see either no version or a whole one.
 */
public final class ModelStore {
    /** Environment variable that overrides the default store location. */
    public static final String STORE_ENV = "FLINK_INFERENCE_STORE";

    private static final int PUBLISH_ATTEMPTS = 5;
    private static final int LIST_ATTEMPTS = 5;
    private static final String STAGING_PREFIX = ".staging-";

    /**
     * A folder a publish left behind without finishing: a staging folder it did not remove, or a
     * version folder whose manifest never arrived.
     *
     * @param lastModified when anything in it last changed
     */
    public record Leftover(URI path, String reason, Instant lastModified) {}

    private final URI root;
    private final FileSystem fs;
    private final Path rootPath;

    private ModelStore(URI root, FileSystem fs) {
        this.root = root;
        this.fs = fs;
        this.rootPath = new Path(root);
    }

    /** Opens the store at a URI; a plain path is taken as a local folder. */
    public static ModelStore open(URI root) {
        URI normalized = root.getScheme() == null
                ? Paths.get(root.getPath()).toAbsolutePath().normalize().toUri()
                : root;
        try {
            return new ModelStore(normalized, FileSystem.get(normalized));
        } catch (IOException e) {
            throw new ModelStoreException(
                    "Cannot open the model store at " + normalized + ": " + e.getMessage()
                            + " (for s3:// and other object stores, Flink's file system plugin must be installed)", e);
        }
    }

    public static ModelStore open(String root) {
        return open(URI.create(root));
    }

    /**
     * The store a user means when they name none: {@code $FLINK_INFERENCE_STORE} if set, else
     * {@code ~/.flink-inference/models}.
     */
    public static URI defaultRoot() {
        String fromEnv = System.getenv(STORE_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            URI uri = URI.create(fromEnv.trim());
            return uri.getScheme() == null ? Paths.get(fromEnv.trim()).toAbsolutePath().toUri() : uri;
        }
        return Paths.get(System.getProperty("user.home"), ".flink-inference", "models").toUri();
    }

    public URI root() {
        return root;
    }

    /** Names of the models that have at least one published version, sorted. */
    public List<String> models() {
        List<String> names = new ArrayList<>();
        for (FileStatus status : list(rootPath)) {
            String name = status.getPath().getName();
            // A folder the store cannot have written (someone's "Bad Name/") is not a model, and must not hide the others.
            if (status.isDir() && ModelNames.isModelName(name) && !versions(name).isEmpty()) {
                names.add(name);
            }
        }
        names.sort(null);
        return names;
    }

    /** Published versions of a model, ascending; empty when the model does not exist. */
    public List<Integer> versions(String model) {
        Path modelDir = new Path(rootPath, ModelNames.checkModelName(model));
        List<Integer> versions = new ArrayList<>();
        for (FileStatus status : list(modelDir)) {
            OptionalInt version = parseVersion(status.getPath().getName());
            if (status.isDir() && version.isPresent()
                    && exists(new Path(status.getPath(), Manifest.FILE_NAME))) {
                versions.add(version.getAsInt());
            }
        }
        versions.sort(null);
        return versions;
    }

    /**
     * Finds a version, reads and validates its manifest and checks that every listed file is there
     * with the listed size. Contents are hashed when they are read ({@link ModelVersion#readArtifact})
     * or by {@link ModelVersion#verify}.
     */
    public ModelVersion resolve(ModelRef ref) {
        List<Integer> versions = versions(ref.name());
        if (versions.isEmpty()) {
            throw new ModelNotFoundException(
                    "No model '" + ref.name() + "' in the store at " + root + "; it holds "
                            + (models().isEmpty() ? "no models" : models())
                            + ". Import one with 'flink-inference models import' or 'models fetch'.");
        }
        int version = ref.version().orElse(versions.get(versions.size() - 1));
        if (!versions.contains(version)) {
            throw new ModelNotFoundException(
                    "Model '" + ref.name() + "' has no version " + version + " in " + root
                            + "; its versions are " + versions + ".");
        }
        Path dir = versionDir(ref.name(), version);
        Manifest manifest = readManifest(dir);
        if (!manifest.name().equals(ref.name()) || manifest.version() != version) {
            throw new MalformedManifestException(
                    dir + "/" + Manifest.FILE_NAME + " describes " + manifest.name() + ":" + manifest.version()
                            + " but lives in the folder of " + ref.name() + ":" + version + ".");
        }
        for (FileEntry file : manifest.files()) {
            checkPresent(dir, manifest, file);
        }
        return new ModelVersion(fs, dir, manifest);
    }

    /**
     * Publishes a new immutable version from local files.
     *
     * @param draft the manifest without version, date or checksums ({@link Manifest#builder})
     * @param files every file of the version, by the name it gets in the store
     * @param version the version to publish, or empty for the next free one
     */
    public ModelVersion publish(Manifest draft, Map<String, java.nio.file.Path> files, OptionalInt version) {
        String name = ModelNames.checkModelName(draft.name());
        version.ifPresent(number -> ModelRef.checkVersion(name, number));
        ManifestCodec.validateDraft(draft, "the manifest of " + name);
        files.keySet().forEach(ModelNames::checkFileName);
        for (Map.Entry<String, java.nio.file.Path> file : files.entrySet()) {
            if (!Files.isRegularFile(file.getValue())) {
                throw new MissingArtifactException(
                        "Cannot publish " + name + ": file '" + file.getKey() + "' comes from "
                                + file.getValue() + ", which does not exist.");
            }
        }
        for (int attempt = 1; ; attempt++) {
            int number = ModelRef.checkVersion(name, version.isPresent() ? version.getAsInt() : nextVersion(name));
            if (versions(name).contains(number)) {
                throw alreadyExists(name, number);
            }
            checkNoLeftover(name, number);
            try {
                boolean published = hasAtomicRename()
                        ? publishByRename(draft, files, number)
                        : publishManifestLast(draft, files, number);
                if (published) {
                    return resolve(ModelRef.of(name, number));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Publishing " + name + ":" + number + " to " + root + " failed; "
                        + "nothing was published", e);
            }
            // Someone else published this number between our check and our rename, or left a folder there.
            checkNoLeftover(name, number);
            if (version.isPresent() || attempt == PUBLISH_ATTEMPTS) {
                throw alreadyExists(name, number);
            }
        }
    }

    /** Publishes the next free version. */
    public ModelVersion publish(Manifest draft, Map<String, java.nio.file.Path> files) {
        return publish(draft, files, OptionalInt.empty());
    }

    /**
     * Publishes {@code version}, read from another store, here as the next free version of its
     * name, with the same manifest and files (checked again on the way in): a copy, no download.
     */
    public ModelVersion publishCopyOf(ModelVersion version) {
        try {
            java.nio.file.Path staging = Files.createTempDirectory("model-copy");
            try {
                Map<String, java.nio.file.Path> files = new java.util.HashMap<>();
                for (FileEntry file : version.manifest().files()) {
                    files.put(file.name(), Files.write(staging.resolve(file.name()), version.readArtifact(file.name())));
                }
                return publish(version.manifest(), files);
            } finally {
                try (var paths = Files.walk(staging)) {
                    paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot copy " + version.ref() + " into the store at " + root, e);
        }
    }

    private boolean publishByRename(Manifest draft, Map<String, java.nio.file.Path> files, int number)
            throws IOException {
        Path modelDir = new Path(rootPath, draft.name());
        Path staging = new Path(modelDir, STAGING_PREFIX + UUID.randomUUID());
        try {
            writeVersion(staging, draft, files, number);
            fs.mkdirs(modelDir);
            // rename(2) of a folder onto a non-empty folder fails, so a published version is never replaced.
            return fs.rename(staging, versionDir(draft.name(), number));
        } finally {
            if (fs.exists(staging)) {
                fs.delete(staging, true);
            }
        }
    }

    private boolean publishManifestLast(Manifest draft, Map<String, java.nio.file.Path> files, int number)
            throws IOException {
        Path dir = versionDir(draft.name(), number);
        if (exists(new Path(dir, Manifest.FILE_NAME))) {
            return false;
        }
        writeVersion(dir, draft, files, number);
        return true;
    }

    /** Copies the files while hashing them, then writes the manifest (always last). */
    private void writeVersion(Path dir, Manifest draft, Map<String, java.nio.file.Path> files, int number)
            throws IOException {
        fs.mkdirs(dir);
        List<FileEntry> entries = new ArrayList<>();
        for (Map.Entry<String, java.nio.file.Path> file : files.entrySet()) {
            MessageDigest digest = Checksums.newSha256();
            try (InputStream in = Files.newInputStream(file.getValue());
                    OutputStream out = new DigestOutputStream(
                            fs.create(new Path(dir, file.getKey()), WriteMode.OVERWRITE), digest)) {
                in.transferTo(out);
            }
            entries.add(new FileEntry(file.getKey(), Checksums.hex(digest), Files.size(file.getValue())));
        }
        entries.sort((a, b) -> a.name().compareTo(b.name()));
        Manifest manifest = draft.published(number, Instant.now().toString(), entries);
        ManifestCodec.validatePublished(manifest, "the manifest of " + draft.name() + ":" + number);
        try (FSDataOutputStream out = fs.create(new Path(dir, Manifest.FILE_NAME), WriteMode.OVERWRITE)) {
            out.write(ManifestCodec.encode(manifest));
        }
    }

    private Manifest readManifest(Path dir) {
        Path path = new Path(dir, Manifest.FILE_NAME);
        try (InputStream in = fs.open(path)) {
            return ManifestCodec.decode(in.readAllBytes(), path.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + path, e);
        }
    }

    private void checkPresent(Path dir, Manifest manifest, FileEntry file) {
        Path path = new Path(dir, file.name());
        String what = "File '" + file.name() + "' of " + manifest.name() + ":" + manifest.version() + " (" + path + ")";
        try {
            if (!fs.exists(path)) {
                throw new MissingArtifactException(what + " is listed in the manifest but missing.");
            }
            long size = fs.getFileStatus(path).getLen();
            if (size != file.size()) {
                throw new ChecksumMismatchException(
                        what + " has " + size + " bytes; the manifest says " + file.size() + " (sha256 "
                                + file.sha256() + "). The file was changed after publishing.");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot check " + path, e);
        }
    }

    /** File systems whose folder rename is one atomic step; object stores copy object by object. */
    private boolean hasAtomicRename() {
        String scheme = root.getScheme();
        return "file".equals(scheme) || "hdfs".equals(scheme) || "viewfs".equals(scheme);
    }

    /**
     * Deletes one published version. Its manifest goes first, so that from then on no one lists or
     * resolves it, then its files. Refused, unless {@code force}, for the newest version of a model
     * (jobs that pin {@code latest} at build time would pick an older one on their next build) and
     * for a version other versions were derived from (their lineage would name a parent that is
     * gone).
     *
     * @return the versions derived from it, which a forced delete leaves in place
     */
    public List<ModelRef> delete(ModelRef ref, boolean force) {
        if (ref.version().isEmpty()) {
            throw new IllegalArgumentException("Name the version to delete, e.g. " + ref.name() + ":1; 'latest' is not "
                    + "deleted by name.");
        }
        ModelVersion doomed = resolve(ref);
        int number = doomed.manifest().version();
        List<Integer> versions = versions(ref.name());
        List<ModelRef> children = new ArrayList<>();
        for (String model : models()) {
            for (int version : versions(model)) {
                var lineage = resolve(ModelRef.of(model, version)).manifest().lineage();
                if (ref.name().equals(lineage.parentName()) && lineage.parentVersion() == number) {
                    children.add(ModelRef.of(model, version));
                }
            }
        }
        if (!force && number == versions.get(versions.size() - 1)) {
            throw new ModelStoreException(doomed.ref() + " is the newest version of " + ref.name() + ": jobs built against "
                    + "'latest' would take " + (versions.size() > 1 ? ref.name() + ":" + versions.get(versions.size() - 2)
                            : "nothing") + " instead. Pass --force to delete it anyway.");
        }
        if (!force && !children.isEmpty()) {
            throw new ModelStoreException(doomed.ref() + " is the parent of " + children + " (plans or variants built from "
                    + "it). Delete those first, or pass --force to keep them without their parent.");
        }
        Path dir = versionDir(ref.name(), number);
        try {
            fs.delete(new Path(dir, Manifest.FILE_NAME), false);
            fs.delete(dir, true);
        } catch (IOException e) {
            throw new UncheckedIOException("Deleting " + doomed.ref() + " at " + dir + " failed part-way; its manifest "
                    + "is " + (exists(new Path(dir, Manifest.FILE_NAME)) ? "still there" : "gone, so it is no longer listed")
                    + ": " + e.getMessage(), e);
        }
        return children;
    }

    /**
     * Reads a build cache kept beside the models (for example TensorRT's timing cache), or empty
     * when there is none. Caches live under {@code <root>/.cache/}, hidden from model listings.
     */
    public java.util.Optional<byte[]> readCache(String name) {
        Path path = new Path(new Path(rootPath, ".cache"), ModelNames.checkFileName(name));
        try {
            if (!fs.exists(path)) {
                return java.util.Optional.empty();
            }
            try (InputStream in = fs.open(path)) {
                return java.util.Optional.of(in.readAllBytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the cache " + path, e);
        }
    }

    /** Replaces a build cache kept beside the models. */
    public void writeCache(String name, byte[] bytes) {
        Path path = new Path(new Path(rootPath, ".cache"), ModelNames.checkFileName(name));
        try (FSDataOutputStream out = fs.create(path, WriteMode.OVERWRITE)) {
            out.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the cache " + path, e);
        }
    }

    private long nextVersion(String model) {
        List<Integer> versions = versions(model);
        return versions.isEmpty() ? 1 : versions.get(versions.size() - 1) + 1L;
    }

    private Path versionDir(String model, int version) {
        return new Path(new Path(rootPath, model), Integer.toString(version));
    }

    /**
     * Leftovers of publishes that did not finish, untouched for at least {@code minAge}: younger
     * ones may belong to a publish still under way.
     */
    public List<Leftover> leftovers(Duration minAge) {
        Instant cutoff = Instant.now().minus(minAge);
        List<Leftover> found = new ArrayList<>();
        for (FileStatus model : list(rootPath)) {
            if (!model.isDir() || model.getPath().getName().startsWith(".")) {
                continue; // the store's own folders (.cache) hold no versions
            }
            for (FileStatus entry : list(model.getPath())) {
                String name = entry.getPath().getName();
                String reason = !entry.isDir() ? null
                        : name.startsWith(STAGING_PREFIX) ? "staging folder of a publish that did not finish"
                        : parseVersion(name).isPresent() && !exists(new Path(entry.getPath(), Manifest.FILE_NAME))
                                ? "version folder without " + Manifest.FILE_NAME + " (an upload cut short)"
                                : null;
                Instant lastModified = reason == null ? null : lastModified(entry);
                if (reason != null && !lastModified.isAfter(cutoff)) {
                    found.add(new Leftover(entry.getPath().toUri(), reason, lastModified));
                }
            }
        }
        return found;
    }

    /** Deletes the {@link #leftovers} untouched for at least {@code minAge} and returns them. */
    public List<Leftover> removeLeftovers(Duration minAge) {
        List<Leftover> removed = leftovers(minAge);
        for (Leftover leftover : removed) {
            Path path = new Path(leftover.path());
            try {
                fs.delete(path, true);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot remove the leftover " + path + ": " + e.getMessage(), e);
            }
        }
        return removed;
    }

    /** The newest modification time of a folder and the files in it (object stores date only files). */
    private Instant lastModified(FileStatus folder) {
        long newest = folder.getModificationTime();
        for (FileStatus child : list(folder.getPath())) {
            newest = Math.max(newest, child.isDir() ? lastModified(child).toEpochMilli() : child.getModificationTime());
        }
        return Instant.ofEpochMilli(newest);
    }

    private void checkNoLeftover(String model, int version) {
        Path dir = versionDir(model, version);
        if (exists(dir) && !exists(new Path(dir, Manifest.FILE_NAME))) {
            throw new IncompleteVersionException(model + ":" + version + " is not published, but its folder " + dir
                    + " is there with no " + Manifest.FILE_NAME + ": the leftover of a publish that did not finish. "
                    + "Delete that folder ('flink-inference models verify --repair' removes such leftovers once they "
                    + "are an hour old) and publish again.");
        }
    }

    private VersionAlreadyExistsException alreadyExists(String model, int version) {
        return new VersionAlreadyExistsException(
                model + ":" + version + " is already published in " + root
                        + "; versions are immutable, publish a new version instead.");
    }

    private List<FileStatus> list(Path dir) {
        for (int attempt = 1; ; attempt++) {
            try {
                if (!fs.exists(dir)) {
                    return List.of();
                }
                FileStatus[] statuses = fs.listStatus(dir);
                return statuses == null ? List.of() : Arrays.asList(statuses);
            } catch (FileNotFoundException e) {
                // A publisher removed its staging folder while we listed; the listing is simply stale.
                if (attempt == LIST_ATTEMPTS) {
                    throw new UncheckedIOException("Cannot list " + dir + ": entries kept vanishing", e);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot list " + dir, e);
            }
        }
    }

    private boolean exists(Path path) {
        try {
            return fs.exists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot check " + path, e);
        }
    }

    private static OptionalInt parseVersion(String folder) {
        int digits = Integer.toString(ModelRef.MAX_VERSION).length();
        if (folder.isEmpty() || folder.length() > digits || !folder.chars().allMatch(Character::isDigit)) {
            return OptionalInt.empty();
        }
        int version = Integer.parseInt(folder);
        return version >= 1 ? OptionalInt.of(version) : OptionalInt.empty();
    }

    @Override
    public String toString() {
        return "ModelStore(" + root + ")";
    }
}
