package io.flinkinference.operators;

import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.manifest.ModelFormat;
import io.flinkinference.operators.engine.EngineProvider;
import io.flinkinference.operators.engine.InferenceEngine;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;

import java.util.Set;

/** A second engine on the test class path, whose options a shared configuration may carry too. */
public final class OtherEngineProvider implements EngineProvider {
    public static final String NAME = "other-test";

    public static final ConfigOption<Integer> LEVEL =
            ConfigOptions.key(NAME + ".level").intType().defaultValue(0).withDescription("Level.");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<ConfigOption<?>> options() {
        return Set.of(LEVEL);
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
