package io.flinkinference.testing;

import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.samples.models.PaddleOcrModels;


import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The real PaddleOCR models, fetched once into the build's shared test store (the parent POM sets
 * {@code flinkinference.test.store}) and reused by every test afterwards.
 */
public final class TestModels {
    private TestModels() {}

    public static synchronized ModelStore store() {
        ModelStore store = ModelStore.open(System.getProperty("flinkinference.test.store", "target/test-model-store"));
        try {
            PaddleOcrModels.fetchInto(store, line -> { });
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot fetch the test models", e);
        }
        return store;
    }

    public static ModelVersion classifier() {
        return store().resolve(ModelRef.latest(PaddleOcrModels.CLASSIFIER));
    }

    /** Where the shared store lives, as the {@code --store} argument of the command line takes it. */
    public static String storeLocation() {
        return store().root().toString();
    }

    /**
     * A store of a test's own (so that what the test publishes is its alone) holding the bundled
     * models, copied from the shared store with their files and checksums: no download.
     */
    public static ModelStore freshStore(Path root) {
        ModelStore shared = store();
        ModelStore fresh = ModelStore.open(root.toUri());
        for (String name : List.of(PaddleOcrModels.CLASSIFIER, PaddleOcrModels.DETECTOR, PaddleOcrModels.RECOGNIZER)) {
            fresh.publishCopyOf(shared.resolve(ModelRef.latest(name)));
        }
        return fresh;
    }
}
