package io.flinkinference.operators.engine;

import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.manifest.ModelFormat;

import java.util.Map;
import java.util.function.Consumer;

/**
 * An engine's ahead-of-time compiler: turns a published model version (ONNX) into the artifact the
 * engine runs (a TensorRT plan for one GPU). The setup job publishes the result; the compiler
 * only builds it, so that it needs nothing of the setup job. Obtained with
 * {@link EngineProvider#compiler()}.
 */
public interface ModelCompiler {

    /**
     * Checks, before any work, that the compiler can run on this machine (its libraries), and says
     * which version it is; throws, with what to install, where it cannot.
     */
    String checkAvailable();

    /**
     * Compiles {@code model}.
     *
     * @param progress told each phase (parsing, building, ...) as it starts or ends, in words
     */
    Compiled compile(ModelVersion model, Options options, Consumer<String> progress);

    /** Batch sizes the compiled artifact accepts, and the one it is tuned for. */
    record BatchProfile(int min, int opt, int max) {
        public BatchProfile {
            if (min < 1 || min > opt || opt > max) {
                throw new IllegalArgumentException("The batch profile needs 1 <= min <= opt <= max; got "
                        + min + "/" + opt + "/" + max + ".");
            }
        }
    }

    /**
     * The precisions the compiled artifact may use. {@code AS_MODEL}: those the model's own file
     * gives (FP32 weights run in FP32, an INT8 QDQ model's quantized layers in INT8, the rest in
     * FP32); {@code FP16}: the compiler may also run any layer in FP16 where that is faster (an
     * INT8 QDQ model keeps its INT8 layers and runs the others in FP16).
     */
    enum Precision {
        AS_MODEL,
        FP16;

        /** The precision a compiled artifact of a model of {@code modelPrecision} is published with. */
        public String publishedAs(String modelPrecision) {
            return this == FP16 && !"int8".equals(modelPrecision) ? "fp16" : modelPrecision;
        }
    }

    /**
     * How to compile.
     *
     * @param device the GPU to compile for
     * @param workspaceBytes the builder's scratch memory on the device
     * @param caches where the compiler keeps what speeds up later builds (TensorRT's timing cache)
     * @param effort how hard the compiler searches for fast kernels, {@link #DEFAULT_EFFORT} for its
     *     own default: less builds sooner and may run slower (TensorRT: the builder optimization
     *     level, 0 to 5, default 3)
     */
    record Options(int device, BatchProfile batches, long workspaceBytes, ModelStore caches, Precision precision, int effort) {
        public static final int DEFAULT_EFFORT = -1;

        public Options {
            precision = precision == null ? Precision.AS_MODEL : precision;
        }

        public Options(int device, BatchProfile batches, long workspaceBytes, ModelStore caches, Precision precision) {
            this(device, batches, workspaceBytes, caches, precision, DEFAULT_EFFORT);
        }

        public Options(int device, BatchProfile batches, long workspaceBytes, ModelStore caches) {
            this(device, batches, workspaceBytes, caches, Precision.AS_MODEL, DEFAULT_EFFORT);
        }
    }

    /**
     * What was built.
     *
     * @param name the model name to publish it under, e.g. {@code ppocr-cls-trt-sm86}
     * @param artifact the artifact's file name
     * @param facts for the lineage: what it was built with and for (versions, device, profile)
     * @param summary one line on the result, for the user
     */
    record Compiled(String name, ModelFormat format, String artifact, String transform, byte[] bytes,
            Map<String, String> facts, String summary) {
        public Compiled {
            facts = Map.copyOf(facts);
        }
    }
}
