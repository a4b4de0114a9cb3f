package io.flinkinference.operators.engine;

/**
 * Engines shared by every task slot of a TaskManager JVM, keyed by {@link EngineKey} (engine and
 * its options, store, model, version, device): the first slot to acquire a key loads the model,
 * the last one to release it frees it. Loading a model once per JVM rather than once per slot
 * saves memory (GPU memory above all) and start-up time.
 */
public final class SharedEngines extends SharedRegistry<EngineKey, InferenceEngine> {
    private static final SharedEngines INSTANCE = new SharedEngines();

    /** The JVM's registry. Tests may create their own with {@link #SharedEngines()}. */
    public static SharedEngines instance() {
        return INSTANCE;
    }

    public SharedEngines() {}
}
