package io.flinkinference.tools.setup;

import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.jobs.cli.StoreOption;
import io.flinkinference.modelstore.manifest.Manifest;
import io.flinkinference.modelstore.manifest.ModelFormat;
import io.flinkinference.operators.engine.Engines;
import io.flinkinference.operators.engine.ModelCompiler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * {@code setup tensorrt}: a TensorRT plan for this machine's GPU, published with what it was built
 * for. The plan is built by the {@code tensorrt} engine's {@link ModelCompiler}, found through the
 * engine SPI; this command only parses options and publishes.
 */
@Command(name = "tensorrt", mixinStandardHelpOptions = true,
        footer = {"", "Examples:", "  flink-inference setup tensorrt ppocr-cls-int8 --max-batch 64",
            "  flink-inference setup tensorrt ppocr-cls-sparse24 --device 1"},
        description = {"Build a TensorRT plan from an ONNX model in the store (a strongly typed network: FP16 and INT8 "
                + "come from the ONNX file; sparse weights for 2:4-pruned models), for the GPU of this machine, and "
                + "publish it as <model>-trt-sm<compute capability> with the TensorRT version and compute capability in "
                + "its manifest. The timing cache is kept in the store.",
            "Needs TensorRT 10 (libnvinfer.so.10) and an NVIDIA GPU; fails at once, publishing nothing, without them."})
public final class TensorRtCommand implements Callable<Integer> {
    /** The engine whose compiler builds the plans. */
    static final String ENGINE = "tensorrt";

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
        ModelCompiler compiler = compiler();
        compiler.checkAvailable(); // before anything else: no TensorRT, no work
        ModelStore opened = store.open();
        ModelVersion model = opened.resolve(ModelRef.parse(parent));
        Manifest manifest = model.manifest();
        if (manifest.format() != ModelFormat.ONNX) {
            throw new IllegalArgumentException(model.ref() + " is " + manifest.format() + "; plans are built from ONNX models.");
        }
        long start = System.nanoTime();
        Published published = buildAndPublish(compiler, opened, model, new ModelCompiler.BatchProfile(minBatch, optBatch, maxBatch),
                device, workspaceMib << 20, phase -> {
                    out.printf("[%6.1fs] %s%n", (System.nanoTime() - start) / 1e9, phase);
                    out.flush();
                });
        out.println("Published " + published.version().ref() + " (" + published.summary() + ")");
        return 0;
    }

    /** The published plan, and the compiler's line on it. */
    public record Published(ModelVersion version, String summary) {}

    /** The {@code tensorrt} engine's plan compiler. */
    static ModelCompiler compiler() {
        return Engines.provider(ENGINE).compiler().orElseThrow(() -> new IllegalStateException(
                "The " + ENGINE + " engine on the class path has no plan compiler."));
    }

    /**
     * Builds a plan of {@code model} for GPU {@code device} and publishes it into {@code target}
     * under the name the compiler gives it, with the timing cache kept in {@code target}.
     */
    public static Published buildAndPublish(ModelStore target, ModelVersion model, ModelCompiler.BatchProfile batches,
            int device, long workspaceBytes, Consumer<String> progress) throws java.io.IOException {
        return buildAndPublish(compiler(), target, model, batches, device, workspaceBytes, progress);
    }

    private static Published buildAndPublish(ModelCompiler compiler, ModelStore target, ModelVersion model,
            ModelCompiler.BatchProfile batches, int device, long workspaceBytes, Consumer<String> progress)
            throws java.io.IOException {
        ModelCompiler.Compiled plan = compiler.compile(model, new ModelCompiler.Options(device, batches, workspaceBytes, target),
                progress);
        ModelVersion published = DerivedModelPublisher.publish(target, model, new DerivedModelPublisher.Candidate(plan.bytes(),
                plan.name(), plan.format(), plan.artifact(), model.manifest().precision(), plan.transform(), plan.facts()),
                plan.facts());
        return new Published(published, plan.summary());
    }
}
