package io.flinkinference.tools.setup;

import io.flinkinference.engine.tensorrt.TensorRtLibrary;
import io.flinkinference.engine.tensorrt.plan.TensorRtPlanBuilder;
import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.jobs.cli.StoreOption;
import io.flinkinference.modelstore.manifest.Manifest;
import io.flinkinference.modelstore.manifest.ModelFormat;
import io.flinkinference.modelstore.manifest.Preprocessing;
import io.flinkinference.modelstore.manifest.TensorSpec;
import io.flinkinference.engine.tensorrt.PlanSelector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code setup tensorrt}: a TensorRT plan for this machine's GPU, published with what it was built for. */
@Command(name = "tensorrt", mixinStandardHelpOptions = true,
        footer = {"", "Examples:", "  flink-inference setup tensorrt ppocr-cls-int8 --max-batch 64",
            "  flink-inference setup tensorrt ppocr-cls-sparse24 --device 1"},
        description = {"Build a TensorRT plan from an ONNX model in the store (a strongly typed network: FP16 and INT8 "
                + "come from the ONNX file; sparse weights for 2:4-pruned models), for the GPU of this machine, and "
                + "publish it as <model>-trt-sm<compute capability> with the TensorRT version and compute capability in "
                + "its manifest. The timing cache is kept in the store.",
            "Needs TensorRT 10 (" + TensorRtLibrary.LIBRARY + ") and an NVIDIA GPU; fails at once, publishing nothing, without them."})
public final class TensorRtCommand implements Callable<Integer> {
    @Mixin
    StoreOption store;

    @Parameters(paramLabel = "MODEL[:VERSION]", description = "The ONNX model in the store.")
    String parent;

    @Option(names = "--device", paramLabel = "N", defaultValue = "0", description = "GPU to build for (default ${DEFAULT-VALUE}).")
    int device;

    @Option(names = "--min-batch", paramLabel = "N", defaultValue = "1", description = "Smallest batch of the profile (default ${DEFAULT-VALUE}).")
    int minBatch;

    @Option(names = "--opt-batch", paramLabel = "N", defaultValue = "16", description = "Batch TensorRT tunes for (default ${DEFAULT-VALUE}).")
    int optBatch;

    @Option(names = "--max-batch", paramLabel = "N", defaultValue = "32",
            description = "Largest batch; set it to the job's inference.batch.max-size (default ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--workspace-mib", paramLabel = "MIB", defaultValue = "2048", description = "Builder workspace (default ${DEFAULT-VALUE}).")
    long workspaceMib;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        String version = TensorRtLibrary.load(); // before anything else: no TensorRT, no work
        ModelStore opened = store.open();
        ModelVersion model = opened.resolve(ModelRef.parse(parent));
        Manifest manifest = model.manifest();
        if (manifest.format() != ModelFormat.ONNX) {
            throw new IllegalArgumentException(model.ref() + " is " + manifest.format() + "; plans are built from ONNX models.");
        }
        long start = System.nanoTime();
        ModelVersion published = buildAndPublish(opened, model, new TensorRtPlanBuilder.Profile(minBatch, optBatch, maxBatch),
                device, workspaceMib << 20, phase -> {
                    out.printf("[%6.1fs] %s%n", (System.nanoTime() - start) / 1e9, phase);
                    out.flush();
                });
        Map<String, String> facts = published.manifest().lineage().attributes();
        out.println("Published " + published.ref() + " (TensorRT " + facts.get(PlanSelector.TENSORRT_VERSION) + ", sm "
                + facts.get(PlanSelector.COMPUTE_CAPABILITY) + ")");
        return 0;
    }

    /**
     * Builds a plan of {@code model} for GPU {@code device} and publishes it into {@code target} as
     * {@code <model>-trt-sm<cc>}, with the timing cache kept in {@code target}.
     */
    public static ModelVersion buildAndPublish(ModelStore target, ModelVersion model, TensorRtPlanBuilder.Profile profile,
            int device, long workspaceBytes, java.util.function.Consumer<String> progress) throws java.io.IOException {
        String version = TensorRtLibrary.load();
        Manifest manifest = model.manifest();
        TensorRtPlanBuilder.Gpu gpu = TensorRtPlanBuilder.gpu(device);
        boolean sparse = "true".equals(manifest.lineage().attributes().get("tensorrt.sparseWeights"));
        String cacheName = "tensorrt-" + version + "-sm" + gpu.major() + gpu.minor() + ".timing-cache";
        TensorRtPlanBuilder.Plan plan = TensorRtPlanBuilder.build(model.readModel(), fixedDims(manifest), profile, sparse,
                target.readCache(cacheName), workspaceBytes, gpu, progress);
        target.writeCache(cacheName, plan.timingCache());
        progress.accept(String.format("built: %d layers, %.1f MB", plan.layers(), plan.bytes().length / 1e6));
        Map<String, String> facts = new LinkedHashMap<>(manifest.lineage().attributes());
        facts.put(PlanSelector.TENSORRT_VERSION, plan.tensorRtVersion());
        facts.put(PlanSelector.COMPUTE_CAPABILITY, plan.computeCapability());
        facts.put("gpu.name", plan.gpuName());
        facts.put("profile.batch", profile.min() + "/" + profile.opt() + "/" + profile.max());
        facts.put("tensorrt.sparseWeights", Boolean.toString(sparse));
        return DerivedModelPublisher.publish(target, model, new DerivedModelPublisher.Candidate(plan.bytes(),
                manifest.name() + "-trt-sm" + gpu.major() + gpu.minor(), ModelFormat.TENSORRT_PLAN, "model.plan",
                manifest.precision(), "tensorrt-plan", facts), facts);
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
