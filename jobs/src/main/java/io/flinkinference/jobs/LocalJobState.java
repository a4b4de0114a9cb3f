package io.flinkinference.jobs;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.RecoveryClaimMode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where a local {@code run} keeps its checkpoints and savepoints between runs, so that the next
 * start resumes from them: the Kafka source's offsets and the exactly-once sink's transactions
 * are in that state, and resuming from it (not from the group's committed offsets, which are not
 * atomic with the sink's transactions) is what keeps exactly-once across a restart.
 *
 * <p>Checkpoints go to {@code checkpoints/} and are retained when the job is cancelled or its
 * process dies; savepoints (taken on Ctrl-C) to {@code savepoints/}. A new start restores the
 * newest of either in claim mode, so Flink deletes it once the new job has checkpointed past it.
 */
public final class LocalJobState {
    private static final String METADATA = "_metadata";

    private final Path folder;

    public LocalJobState(Path folder) {
        this.folder = folder.toAbsolutePath().normalize();
    }

    /** {@code ~/.flink-inference/state/<group>-<input>-<output>}: one folder per job, as Kafka tells jobs apart. */
    public static LocalJobState defaultFor(String groupId, String inputTopic, String outputTopic) {
        String name = (groupId + "-" + inputTopic + "-" + outputTopic).replaceAll("[^A-Za-z0-9._-]", "_");
        return new LocalJobState(Path.of(System.getProperty("user.home"), ".flink-inference", "state", name));
    }

    public Path folder() {
        return folder;
    }

    public Path savepoints() {
        return folder.resolve("savepoints");
    }

    /**
     * The newest completed checkpoint or savepoint in the folder (its directory, holding
     * {@code _metadata}), if any. Checkpoints still being written have no metadata yet.
     */
    public Optional<Path> latestRestorePoint() {
        if (!Files.isDirectory(folder)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.find(folder, 4, (path, attributes) ->
                attributes.isRegularFile() && path.getFileName().toString().equals(METADATA))) {
            return files.max(Comparator.comparing(LocalJobState::modified)).map(Path::getParent);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot look for earlier checkpoints in " + folder + ": " + e.getMessage(), e);
        }
    }

    /**
     * Configures file-system checkpoints and savepoints in the folder, retained on cancellation,
     * and the restore from {@code restorePoint} when there is one.
     */
    public Configuration configure(Configuration configuration, Optional<Path> restorePoint) {
        try {
            Files.createDirectories(savepoints());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the job's state folder " + folder + ": " + e.getMessage(), e);
        }
        configuration.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        configuration.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, folder.resolve("checkpoints").toUri().toString());
        configuration.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, savepoints().toUri().toString());
        configuration.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        restorePoint.ifPresent(point -> {
            configuration.set(StateRecoveryOptions.SAVEPOINT_PATH, point.toUri().toString());
            configuration.set(StateRecoveryOptions.RESTORE_MODE, RecoveryClaimMode.CLAIM);
        });
        return configuration;
    }

    private static FileTime modified(Path path) {
        try {
            return Files.getLastModifiedTime(path);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
