package io.flinkinference.operators.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Finds engine providers by name among those on the class path. */
public final class Engines {
    private Engines() {}

    public static EngineProvider provider(String name) {
        List<String> known = new ArrayList<>();
        for (EngineProvider provider : ServiceLoader.load(EngineProvider.class, Engines.class.getClassLoader())) {
            if (provider.name().equals(name)) {
                return provider;
            }
            known.add(provider.name());
        }
        throw new IllegalArgumentException("No inference engine named '" + name + "'; available: " + known);
    }

    public static List<String> names() {
        List<String> names = new ArrayList<>();
        ServiceLoader.load(EngineProvider.class, Engines.class.getClassLoader()).forEach(p -> names.add(p.name()));
        return names;
    }
}
