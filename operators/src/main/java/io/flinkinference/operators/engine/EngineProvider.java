package io.flinkinference.operators.engine;

import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.manifest.ModelFormat;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;

import java.util.Set;

/**
 * Opens engines of one kind. Providers are found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/io.flinkinference.operators.engine.EngineProvider}), so a new engine
 * arrives as a module with one service file and nothing else changes.
 */
public interface EngineProvider {

    /** The name users select the engine by, e.g. {@code onnxruntime} or {@code tensorrt}. */
    String name();

    /**
     * Every option this engine reads (its options class). The inference builder refuses any other
     * key given for this engine, so a typo is an error instead of a silently ignored setting. Keys
     * start with {@link #name()} and a dot, which is how the builder tells engine keys apart from
     * Flink's own in a job's configuration.
     */
    Set<ConfigOption<?>> options();

    /** Whether this engine can run artifacts of the given format. */
    boolean supports(ModelFormat format);

    /** Whether engines of this kind run on a GPU, and so need a device index. */
    default boolean usesGpu() {
        return false;
    }

    /**
     * Checks, before a job that will run on this machine is started, that this machine can run
     * {@code model} with this engine (libraries, devices, a fitting artifact), so that a missing
     * piece is one clear error rather than a task failing over and over. The default checks
     * nothing; jobs submitted to a cluster skip it, since the cluster's machines decide.
     */
    default void checkRunnableHere(ModelVersion model, ReadableConfig options) {}

    /**
     * Loads a model version.
     *
     * @param model the resolved version; its files are read through the checksummed store API
     * @param options the engine's typed options (see each engine's options class)
     * @param device the GPU index for GPU engines; CPU engines ignore it
     */
    InferenceEngine open(ModelVersion model, ReadableConfig options, int device);
}
