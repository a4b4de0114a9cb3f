package io.flinkinference.modelstore;

import java.io.Serializable;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * What a user asks for: {@code name}, {@code name:latest} or {@code name:3}. Resolved against a
 * {@link ModelStore} to one immutable {@link ModelVersion}.
 */
public final class ModelRef implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String LATEST = "latest";
    /**
     * The highest version the store reads: version folders are matched by at most nine digits, so
     * that every version fits an {@code int} however it is spelled.
     */
    public static final int MAX_VERSION = 999_999_999;

    private final String name;
    private final Integer version; // null means "latest"

    private ModelRef(String name, Integer version) {
        this.name = ModelNames.checkModelName(name);
        this.version = version == null ? null : checkVersion(name, version);
    }

    /** Returns the version if the store can hold it (1 to {@link #MAX_VERSION}), else throws. */
    public static int checkVersion(String name, long version) {
        if (version < 1 || version > MAX_VERSION) {
            throw new IllegalArgumentException("Model versions run from 1 to " + MAX_VERSION + "; '" + name + ":"
                    + version + "' names none.");
        }
        return (int) version;
    }

    public static ModelRef latest(String name) {
        return new ModelRef(name, null);
    }

    public static ModelRef of(String name, int version) {
        return new ModelRef(name, version);
    }

    /** Parses {@code name}, {@code name:latest} or {@code name:N}. */
    public static ModelRef parse(String text) {
        Objects.requireNonNull(text, "model reference");
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            return latest(text);
        }
        String name = text.substring(0, colon);
        String version = text.substring(colon + 1);
        if (version.equals(LATEST)) {
            return latest(name);
        }
        try {
            return of(name, checkVersion(name, Long.parseLong(version)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a model reference: expected NAME, NAME:latest or NAME:N "
                            + "with N a version number.");
        }
    }

    public String name() {
        return name;
    }

    /** The pinned version, or empty for "latest". */
    public OptionalInt version() {
        return version == null ? OptionalInt.empty() : OptionalInt.of(version);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelRef other
                && name.equals(other.name)
                && Objects.equals(version, other.version);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, version);
    }

    @Override
    public String toString() {
        return name + ":" + (version == null ? LATEST : version.toString());
    }
}
