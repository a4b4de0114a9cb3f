package io.flinkinference.testing;

import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.samples.models.PaddleOcrModels;

import java.io.IOException;
import java.io.UncheckedIOException;

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
}
