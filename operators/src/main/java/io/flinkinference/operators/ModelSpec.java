package io.flinkinference.operators;

import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.ModelStoreException.ModelNotFoundException;
import org.apache.flink.configuration.Configuration;

import java.io.Serializable;
import java.net.URI;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Which model to serve and how, in one value (what DJL calls the {@code Criteria}): the store, the
 * model reference, the engine and the engine's options. {@link Inference.Builder#build()} makes one
 * with the version pinned, so that every subtask and every restart of a job serves the same version.
 *
 * @param store the model store, or {@code null} for the default store, which is then resolved where
 *     the model is opened, i.e. on each TaskManager ({@link ModelStore#defaultRoot()} there)
 * @param model the model and its version; {@code latest} until {@link #pinLatest()} has run
 * @param engine the name of the {@link io.flinkinference.operators.engine.EngineProvider} to run it on
 * @param engineOptions the engine's options as keys and string values, as in a Flink configuration
 */
public record ModelSpec(URI store, ModelRef model, String engine, Map<String, String> engineOptions)
        implements Serializable {

    public ModelSpec {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(engineOptions, "engineOptions");
        // Sorted, so that equal options make equal specs, engine keys and log lines whatever their order.
        engineOptions = Collections.unmodifiableSortedMap(new TreeMap<>(engineOptions));
    }

    /** The store this JVM reads the model from: the one named, else this machine's default store. */
    public URI storeHere() {
        return store != null ? store : ModelStore.defaultRoot();
    }

    /** The engine options as the configuration that engine providers read. */
    public Configuration engineConfiguration() {
        return Configuration.fromMap(engineOptions);
    }

    /**
     * This spec with {@code latest} replaced by the newest version in the store now; a pinned spec
     * is returned as it is, without reading the store. For the default store ({@code store == null})
     * the store read is this machine's default store, and the spec keeps {@code null}: the version
     * pinned here must then also be in the default store of each TaskManager.
     *
     * @throws IllegalArgumentException if the store does not hold the model, naming the settings to fix
     */
    public ModelSpec pinLatest() {
        if (model.version().isPresent()) {
            return this;
        }
        URI root = storeHere();
        int newest;
        try {
            newest = ModelStore.open(root).resolve(model).manifest().version();
        } catch (ModelNotFoundException e) {
            throw new IllegalArgumentException("Cannot pin the latest version of " + model.name() + " ("
                    + InferenceOptions.MODEL.key() + "): " + e.getMessage() + " The latest version is resolved once, "
                    + "when the job is built, so that every subtask and restart serves the same one. "
                    + (store == null
                            ? "No " + InferenceOptions.MODEL_STORE.key() + " (--store) is set, so this machine's "
                                    + "default store was read; set it to the store the TaskManagers read, or name "
                                    + "a version (" + model.name() + ":N)."
                            : "Name a version (" + model.name() + ":N) or another " + InferenceOptions.MODEL_STORE.key()
                                    + "."), e);
        }
        return new ModelSpec(store, ModelRef.of(model.name(), newest), engine, engineOptions);
    }

    @Override
    public String toString() {
        return model + " on " + engine + (engineOptions.isEmpty() ? "" : " " + engineOptions)
                + " from " + (store != null ? store : "the default store");
    }
}
