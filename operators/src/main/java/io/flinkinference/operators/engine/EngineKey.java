package io.flinkinference.operators.engine;

import java.net.URI;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What makes two engines the same, so that they can be shared within a JVM: the same engine with
 * the same options, running the same version of the same model from the same store, on the same
 * device. Two operators that differ in any of these never share an engine, since an engine is
 * loaded with its options and from its store's files.
 *
 * @param store the store the model version was read from (resolved, never the "default" placeholder)
 * @param options the engine options it was opened with
 * @param device the GPU index, or -1 for the CPU
 */
public record EngineKey(String engine, URI store, String model, int version, Map<String, String> options, int device) {
    public EngineKey {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(model, "model");
        options = Collections.unmodifiableSortedMap(new TreeMap<>(options));
    }

    /** Short, for thread names and logs: the store and the options are in {@link #describe()}. */
    @Override
    public String toString() {
        return engine + "/" + model + ":" + version + "@" + (device < 0 ? "cpu" : "gpu" + device);
    }

    /** Everything in the key, for logs. */
    public String describe() {
        return this + " from " + store + (options.isEmpty() ? "" : " with " + options);
    }
}
