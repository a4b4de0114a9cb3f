package io.flinkinference.modelstore;

/**
 * Base of every failure the model store reports. Each subclass names one cause so that callers
 * (the CLI, the engines, the setup job) can react to it, and every message says which model,
 * version and file it is about.
 */
public class ModelStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelStoreException(String message) {
        super(message);
    }

    public ModelStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /** No model of that name, or no such version of it. */
    public static final class ModelNotFoundException extends ModelStoreException {
        private static final long serialVersionUID = 1L;

        public ModelNotFoundException(String message) {
            super(message);
        }
    }

    /** Versions are immutable: publishing one that exists is refused. */
    public static final class VersionAlreadyExistsException extends ModelStoreException {
        private static final long serialVersionUID = 1L;

        public VersionAlreadyExistsException(String message) {
            super(message);
        }
    }

    /**
     * A version folder without a manifest: the remains of a publish that stopped before its last
     * step (an object-store upload cut short), which no reader lists but which holds the number.
     */
    public static final class IncompleteVersionException extends ModelStoreException {
        private static final long serialVersionUID = 1L;

        public IncompleteVersionException(String message) {
            super(message);
        }
    }

    /** A model or file name that is empty, too long, or could escape the store ("../", "/"). */
    public static final class InvalidNameException extends ModelStoreException {
        private static final long serialVersionUID = 1L;

        public InvalidNameException(String message) {
            super(message);
        }
    }

    /** The manifest names a format this version of the store does not know. */
    public static final class UnknownFormatException extends ModelStoreException {
        private static final long serialVersionUID = 1L;

        public UnknownFormatException(String message) {
            super(message);
        }
    }

    /** The manifest is not valid JSON, misses a required field, or contradicts itself. */
    public static final class MalformedManifestException extends ModelStoreException {
        private static final long serialVersionUID = 1L;

        public MalformedManifestException(String message) {
            super(message);
        }

        public MalformedManifestException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A file the manifest lists is not in the version's folder. */
    public static final class MissingArtifactException extends ModelStoreException {
        private static final long serialVersionUID = 1L;

        public MissingArtifactException(String message) {
            super(message);
        }
    }

    /** A file's bytes do not hash to the sha256 the manifest (or a package catalog) expects. */
    public static final class ChecksumMismatchException extends ModelStoreException {
        private static final long serialVersionUID = 1L;

        public ChecksumMismatchException(String message) {
            super(message);
        }
    }
}
