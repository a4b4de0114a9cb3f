package io.flinkinference.modelstore.manifest;

/** One file of a model version with its size and SHA-256 (lower-case hex). */
public record FileEntry(String name, String sha256, long size) {}
