package io.flinkinference.operators.engine;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Native resources shared by every task slot of a TaskManager JVM, keyed and reference-counted:
 * the first holder of a key opens the resource, the last one to release it closes it. Engines
 * ({@link SharedEngines}) and TaskManager-wide batchers are kept this way.
 *
 * <p>Static registries are the exception in this project, on purpose: Flink gives operators no
 * other place to share native resources across slots.
 */
public class SharedRegistry<K, V extends AutoCloseable> {
    private final Map<K, Entry<V>> entries = new HashMap<>();

    /**
     * Returns a lease on the resource for {@code key}, opening it with {@code opener} if no lease is
     * held. Opening happens under the registry's lock so that two slots never open the same key
     * twice; different keys wait for each other only while one of them opens.
     */
    public synchronized Lease<K, V> acquire(K key, Supplier<V> opener) {
        Entry<V> entry = entries.get(key);
        if (entry == null) {
            entry = new Entry<>(opener.get());
            entries.put(key, entry);
        }
        entry.references++;
        return new Lease<>(this, key, entry.value);
    }

    /** How many leases are held on a key (0 when nothing is open for it). */
    public synchronized int references(K key) {
        Entry<V> entry = entries.get(key);
        return entry == null ? 0 : entry.references;
    }

    private void release(K key) {
        V toClose = null;
        synchronized (this) {
            Entry<V> entry = entries.get(key);
            if (entry != null && --entry.references == 0) {
                entries.remove(key);
                toClose = entry.value;
            }
        }
        if (toClose != null) {
            try {
                toClose.close();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("Closing " + key + " failed: " + e.getMessage(), e);
            }
        }
    }

    private static final class Entry<V> {
        final V value;
        int references;

        Entry(V value) {
            this.value = value;
        }
    }

    /** One holder's claim on a shared resource; closing it releases the claim exactly once. */
    public static final class Lease<K, V extends AutoCloseable> implements AutoCloseable {
        private final SharedRegistry<K, V> registry;
        private final K key;
        private final V value;
        private boolean released;

        private Lease(SharedRegistry<K, V> registry, K key, V value) {
            this.registry = registry;
            this.key = key;
            this.value = value;
        }

        public V value() {
            return value;
        }

        public K key() {
            return key;
        }

        @Override
        public void close() {
            synchronized (this) {
                if (released) {
                    return;
                }
                released = true;
            }
            registry.release(key);
        }
    }
}
