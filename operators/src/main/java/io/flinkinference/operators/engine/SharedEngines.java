package io.flinkinference.operators.engine;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Engines shared by every task slot of a TaskManager JVM, keyed by {@link EngineKey} (engine and
 * its options, store, model, version, device) and reference-counted: the first slot to acquire a
 * key loads the model, the last one to release it frees it. Loading a model once per JVM rather than once per slot saves memory (GPU
 * memory above all) and start-up time.
 *
 * <p>This is the project's one JVM-wide registry, on purpose: Flink gives operators no other place
 * to share native resources across slots.
 */
public final class SharedEngines {
    private static final SharedEngines INSTANCE = new SharedEngines();

    private final Map<EngineKey, Entry> entries = new HashMap<>();

    /** The JVM's registry. Tests may create their own with {@link #SharedEngines()}. */
    public static SharedEngines instance() {
        return INSTANCE;
    }

    public SharedEngines() {}

    /**
     * Returns a lease on the engine for {@code key}, opening it with {@code opener} if no lease is
     * held. Opening happens under the registry's lock so that two slots never load the same model
     * twice; different models wait for each other only while one of them loads.
     */
    public synchronized Lease acquire(EngineKey key, Supplier<InferenceEngine> opener) {
        Entry entry = entries.get(key);
        if (entry == null) {
            entry = new Entry(opener.get());
            entries.put(key, entry);
        }
        entry.references++;
        return new Lease(key, entry.engine);
    }

    /** How many leases are held on a key (0 when the engine is not loaded). */
    public synchronized int references(EngineKey key) {
        Entry entry = entries.get(key);
        return entry == null ? 0 : entry.references;
    }

    private synchronized void release(EngineKey key) {
        Entry entry = entries.get(key);
        if (entry == null) {
            return;
        }
        if (--entry.references == 0) {
            entries.remove(key);
            entry.engine.close();
        }
    }

    private static final class Entry {
        final InferenceEngine engine;
        int references;

        Entry(InferenceEngine engine) {
            this.engine = engine;
        }
    }

    /** One holder's claim on a shared engine; closing it releases the claim exactly once. */
    public final class Lease implements AutoCloseable {
        private final EngineKey key;
        private final InferenceEngine engine;
        private boolean released;

        private Lease(EngineKey key, InferenceEngine engine) {
            this.key = key;
            this.engine = engine;
        }

        public InferenceEngine engine() {
            return engine;
        }

        public EngineKey key() {
            return key;
        }

        @Override
        public void close() {
            synchronized (SharedEngines.this) {
                if (released) {
                    return;
                }
                released = true;
            }
            release(key);
        }
    }
}
