package io.flinkinference.engine.tensorrt.plan;

import io.flinkinference.engine.tensorrt.PlanSelector;
import io.flinkinference.engine.tensorrt.TensorRtLibrary;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.manifest.Manifest;
import io.flinkinference.modelstore.manifest.ModelFormat;
import io.flinkinference.modelstore.manifest.Preprocessing;
import io.flinkinference.modelstore.manifest.TensorSpec;
import io.flinkinference.operators.engine.ModelCompiler;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * TensorRT's {@link ModelCompiler}: a plan of an ONNX model version for one GPU, named
 * {@code <model>-trt-sm<compute capability>}, with the TensorRT version and compute capability in
 * its facts (what {@link PlanSelector} matches plans by). Sparse weights are used for models whose
 * lineage says they were pruned to 2:4; the timing cache is kept per TensorRT version and GPU.
 */
public final class TensorRtCompiler implements ModelCompiler {
    /** The lineage fact a 2:4 pruning leaves, and that a plan records. */
    public static final String SPARSE_WEIGHTS = "tensorrt.sparseWeights";
    public static final String TRANSFORM = "tensorrt-plan";
    /** The lineage fact that says which precisions the builder was allowed ({@code as_model} or {@code fp16}). */
    public static final String PRECISION = "tensorrt.precision";
    /** The lineage fact naming the builder optimization level the plan was built at. */
    public static final String OPTIMIZATION_LEVEL = "tensorrt.optimizationLevel";
    public static final String ARTIFACT = "model.plan";

    @Override
    public String checkAvailable() {
        return TensorRtLibrary.load();
    }

    @Override
    public Compiled compile(ModelVersion model, Options options, Consumer<String> progress) {
        Manifest manifest = model.manifest();
        if (manifest.format() != ModelFormat.ONNX) {
            throw new IllegalArgumentException(model.ref() + " is " + manifest.format() + "; plans are built from ONNX models.");
        }
        String version = TensorRtLibrary.load();
        TensorRtPlanBuilder.Gpu gpu = TensorRtPlanBuilder.gpu(options.device());
        boolean sparse = "true".equals(manifest.lineage().attributes().get(SPARSE_WEIGHTS));
        String cacheName = "tensorrt-" + version + "-sm" + gpu.major() + gpu.minor() + ".timing-cache";
        ModelCompiler.BatchProfile batches = options.batches();
        PlanTyping typing = PlanTyping.of(options.precision(), manifest.precision());
        TensorRtPlanBuilder.Plan plan = TensorRtPlanBuilder.build(model.readModel(), fixedDims(manifest),
                new TensorRtPlanBuilder.Profile(batches.min(), batches.opt(), batches.max()), typing, sparse,
                options.caches().readCache(cacheName), options.workspaceBytes(), options.effort(), gpu, progress);
        options.caches().writeCache(cacheName, plan.timingCache());
        progress.accept(String.format("built: %d layers, %.1f MB", plan.layers(), plan.bytes().length / 1e6));
        Map<String, String> facts = new LinkedHashMap<>(manifest.lineage().attributes());
        facts.put(PlanSelector.TENSORRT_VERSION, plan.tensorRtVersion());
        facts.put(PlanSelector.COMPUTE_CAPABILITY, plan.computeCapability());
        facts.put("gpu.name", plan.gpuName());
        facts.put("profile.batch", batches.min() + "/" + batches.opt() + "/" + batches.max());
        facts.put(SPARSE_WEIGHTS, Boolean.toString(sparse));
        facts.put(PRECISION, options.precision().name().toLowerCase(java.util.Locale.ROOT));
        facts.put(OPTIMIZATION_LEVEL, Integer.toString(plan.optimizationLevel()));
        return new Compiled(PlanTyping.planName(manifest.name(), options.precision(), gpu.major(), gpu.minor()),
                ModelFormat.TENSORRT_PLAN, ARTIFACT, TRANSFORM, plan.bytes(), facts,
                "TensorRT " + plan.tensorRtVersion() + ", sm " + plan.computeCapability() + ", " + typing.describe());
    }

    /** Each input's dimensions after the batch; dynamic height and width come from the preprocessing size. */
    public static Map<String, long[]> fixedDims(Manifest manifest) {
        Map<String, long[]> dims = new LinkedHashMap<>();
        Preprocessing pre = manifest.preprocessing();
        for (TensorSpec input : manifest.inputs()) {
            long[] rest = new long[input.rank() - 1];
            for (int i = 1; i < input.rank(); i++) {
                long dim = input.shape().get(i);
                if (dim == TensorSpec.DYNAMIC && pre != null && input.rank() == 4) {
                    boolean nchw = pre.layout() == Preprocessing.Layout.NCHW;
                    int heightAxis = nchw ? 2 : 1;
                    dim = i == heightAxis ? pre.height() : i == heightAxis + 1 ? pre.width() : pre.channels();
                }
                if (dim == TensorSpec.DYNAMIC) {
                    throw new IllegalArgumentException("Input '" + input.name() + "' of " + manifest.name() + " has a dynamic "
                            + "dimension " + i + " that no preprocessing fixes; TensorRT needs it for the profile.");
                }
                rest[i - 1] = dim;
            }
            dims.put(input.name(), rest);
        }
        return dims;
    }
}
