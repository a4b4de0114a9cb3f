package io.flinkinference.benchmarks.peers;

import io.flinkinference.samples.EmbeddedKafka;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Gives the test classes of the peer contestants one embedded broker for all of them, as the suite
 * gives all its runs one: starting a broker costs seconds on a busy 2-core machine, and every run
 * makes topics of its own. JUnit closes it after the last test.
 */
final class SharedBroker implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedBroker.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == EmbeddedKafka.class;
    }

    @Override
    public EmbeddedKafka resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent("broker", key -> start(), EmbeddedKafka.class);
    }

    private static EmbeddedKafka start() {
        try {
            return EmbeddedKafka.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the embedded broker", e);
        }
    }
}
