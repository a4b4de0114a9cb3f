package io.flinkinference.operators.engine;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.FallbackKey;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/** Finds engine providers by name among those on the class path, and checks options against them. */
public final class Engines {
    private Engines() {}

    /** The provider called {@code name}; an unknown name fails with the names that are available. */
    public static EngineProvider provider(String name) {
        for (EngineProvider provider : providers()) {
            if (provider.name().equals(name)) {
                return provider;
            }
        }
        throw new IllegalArgumentException("No inference engine named '" + name + "' (inference.engine); available: "
                + names() + ". An engine is available when its module (e.g. flink-inference-engine-" + name
                + ") is on the class path.");
    }

    public static List<String> names() {
        List<String> names = new ArrayList<>();
        providers().forEach(p -> names.add(p.name()));
        return names;
    }

    /**
     * Whether {@code key} is meant for an engine on the class path: it lies under an engine's name
     * ({@code onnxruntime.*}) or an engine declares it. Other keys, such as Flink's own, are not.
     */
    public static boolean isEngineKey(String key) {
        for (EngineProvider provider : providers()) {
            if (key.startsWith(provider.name() + ".") || knownKeys(provider).contains(key)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The options among {@code candidates} that are {@code chosen}'s to check: keys that belong
     * to another engine on the class path (under its name, or declared by it) are left out, so
     * that one configuration file can carry the options of several engines. What is left is
     * checked by {@link #checkOptions}, so a misspelled key of the chosen engine is still an error.
     */
    public static Map<String, String> optionsFor(EngineProvider chosen, Map<String, String> candidates) {
        Set<String> chosenKeys = knownKeys(chosen);
        Map<String, String> options = new java.util.TreeMap<>();
        candidates.forEach((key, value) -> {
            boolean chosensOwn = key.startsWith(chosen.name() + ".") || chosenKeys.contains(key);
            if (chosensOwn || !belongsToAnother(chosen, key)) {
                options.put(key, value);
            }
        });
        return options;
    }

    private static boolean belongsToAnother(EngineProvider chosen, String key) {
        for (EngineProvider provider : providers()) {
            if (!provider.name().equals(chosen.name())
                    && (key.startsWith(provider.name() + ".") || knownKeys(provider).contains(key))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Checks that every key is an option {@code provider} declares and that its value parses,
     * naming the first key that is wrong and the keys the engine knows.
     */
    public static void checkOptions(EngineProvider provider, Map<String, String> options) {
        Set<String> known = knownKeys(provider);
        for (String key : new TreeSet<>(options.keySet())) {
            if (!known.contains(key)) {
                throw new IllegalArgumentException("Unknown option '" + key + "' for the " + provider.name()
                        + " engine (inference.engine); its options are " + (known.isEmpty() ? "none" : known) + ".");
            }
        }
        Configuration values = Configuration.fromMap(options);
        for (ConfigOption<?> option : provider.options()) {
            try {
                values.getOptional(option);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Invalid value for option '" + option.key() + "' of the "
                        + provider.name() + " engine: " + e.getMessage(), e);
            }
        }
    }

    private static Set<String> knownKeys(EngineProvider provider) {
        Set<String> keys = new TreeSet<>();
        for (ConfigOption<?> option : provider.options()) {
            keys.add(option.key());
            for (FallbackKey fallback : option.fallbackKeys()) {
                keys.add(fallback.getKey());
            }
        }
        return keys;
    }

    /**
     * The providers on the class path, found once per class loader of this class (in Flink, once
     * per job's user-code class loader): builders check every key of a job's configuration against
     * them, and providers hold no state of their own.
     */
    private static List<EngineProvider> providers() {
        return Loaded.PROVIDERS;
    }

    private static final class Loaded {
        static final List<EngineProvider> PROVIDERS =
                ServiceLoader.load(EngineProvider.class, Engines.class.getClassLoader()).stream().map(ServiceLoader.Provider::get).toList();
    }
}
