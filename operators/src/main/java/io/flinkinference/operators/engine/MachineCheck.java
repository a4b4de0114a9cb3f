package io.flinkinference.operators.engine;

import io.flinkinference.modelstore.ModelVersion;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * An engine's check of this machine's hardware and libraries: what works, how fast, against what
 * reference, printed for the user. Obtained with {@link EngineProvider#machineCheck()}; the
 * command line's {@code gpu-check} only parses its options and calls it.
 */
public interface MachineCheck {
    /** Every check passed. */
    int PASSED = 0;
    /** A check failed. */
    int FAILED = 1;
    /** The hardware the engine needs is missing: nothing could be checked. */
    int NOTHING_TO_CHECK = 2;

    /** Runs the checks; returns {@link #PASSED}, {@link #FAILED} or {@link #NOTHING_TO_CHECK}. */
    int run(Options options) throws Exception;

    /** An encoded image, and the class a correct model gives it (the index of its first output's largest value). */
    record LabelledImage(byte[] encoded, int expectedClass) {}

    /**
     * What to check with.
     *
     * @param device the GPU to check
     * @param jpegs sample images to decode, made only when a step needs them
     * @param batch images per timed preprocessing batch
     * @param skipModel leave out the steps that build and run a model
     * @param model the model for those steps, resolved only when they run
     * @param labelledImages images for that model, with the labels it should give them
     * @param out where the report goes
     */
    record Options(int device, Supplier<Path> jpegs, int batch, boolean skipModel, Supplier<ModelVersion> model,
            Supplier<List<LabelledImage>> labelledImages, PrintWriter out) {}
}
