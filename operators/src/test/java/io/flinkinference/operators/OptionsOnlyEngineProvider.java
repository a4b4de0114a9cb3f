package io.flinkinference.operators;

import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.manifest.ModelFormat;
import io.flinkinference.operators.engine.EngineProvider;
import io.flinkinference.operators.engine.InferenceEngine;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;

import java.util.Set;

/**
 * A test engine ({@code options-only}) that declares two options and runs nothing: what the
 * builder's checks need, in a module where no real engine is on the class path.
 */
public final class OptionsOnlyEngineProvider implements EngineProvider {
    public static final String NAME = "options-only";

    public static final ConfigOption<Integer> THREADS =
            ConfigOptions.key(NAME + ".threads").intType().defaultValue(1).withDescription("Threads.");

    public static final ConfigOption<Boolean> FAST =
            ConfigOptions.key(NAME + ".fast").booleanType().defaultValue(false).withDescription("Fast.");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<ConfigOption<?>> options() {
        return Set.of(THREADS, FAST);
    }

    @Override
    public boolean supports(ModelFormat format) {
        return true;
    }

    @Override
    public InferenceEngine open(ModelVersion model, ReadableConfig options, int device) {
        throw new UnsupportedOperationException("The " + NAME + " test engine runs no model");
    }
}
