package io.flinkinference.operators.engine;

import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.manifest.ModelFormat;
import io.flinkinference.modelstore.manifest.TensorSpec;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;

import java.util.List;
import java.util.Optional;
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
     * How many GPUs engines of this kind can see here, numbered 0..n-1, for TaskManagers where
     * Flink's external resource {@code gpu} is not configured. The default counts what CUDA would
     * number: {@code CUDA_VISIBLE_DEVICES} when set, else {@code /dev/nvidiaN}.
     */
    default int visibleGpus() {
        return DeviceAssignment.visibleDevices(System.getenv());
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

    /**
     * Loads a model version for the inference function, which says how many batches may run on
     * the engine at once in this JVM, so that an engine can size what the batches share (a CPU
     * engine's threads per batch) when the options leave it open. The default ignores it.
     */
    default InferenceEngine open(ModelVersion model, ReadableConfig options, int device, ConcurrentBatches concurrency) {
        return open(model, options, device);
    }

    /**
     * Loads a model that is not in the store: a candidate the setup job derived (FP16, INT8,
     * pruned) and validates against its parent before publishing it, or a probe of a model with
     * intermediate tensors as extra graph outputs for calibration.
     *
     * @param description names the candidate in messages
     * @param model the model file's bytes, in a format this engine {@link #supports}
     * @param inputs the inputs the candidate takes, as a manifest would declare them
     * @param outputs the outputs the caller reads; every one of them is in each result
     * @param options the engine's options, by their keys (e.g. {@code onnxruntime.intra-op-threads})
     */
    default InferenceEngine openCandidate(String description, byte[] model, List<TensorSpec> inputs,
            List<TensorSpec> outputs, ReadableConfig options) {
        throw new UnsupportedOperationException("The " + name() + " engine cannot load candidate models from bytes; "
                + "validate candidates with an engine that can, such as onnxruntime.");
    }

    /** The engine's ahead-of-time compiler, for engines that run compiled artifacts (TensorRT plans). */
    default Optional<ModelCompiler> compiler() {
        return Optional.empty();
    }

    /** The engine's check of this machine (GPU, libraries), for engines that have one. */
    default Optional<MachineCheck> machineCheck() {
        return Optional.empty();
    }
}
