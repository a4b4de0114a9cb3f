package io.flinkinference.tools.setup;

import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.ModelVersion;
import org.apache.flink.configuration.Configuration;
import io.flinkinference.modelstore.manifest.Manifest;
import io.flinkinference.modelstore.manifest.ModelFormat;
import io.flinkinference.operators.engine.Engines;
import io.flinkinference.operators.engine.ModelCompiler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * {@code setup tensorrt}: a TensorRT plan for this machine's GPU, validated against its ONNX parent
 * and published with what it was built for. The plan is built by the {@code tensorrt} engine's
 * {@link ModelCompiler} and run for the gate by that engine's {@code openCandidate}, both found
 * through the engine SPI; this command parses options, gates and publishes.
 */
@Command(name = "tensorrt", mixinStandardHelpOptions = true,
        footer = {"", "Examples:", "  flink-inference setup tensorrt ppocr-cls --max-batch 64",
            "  flink-inference setup tensorrt ppocr-cls --fp16",
            "  flink-inference setup tensorrt resnet50-int8-tensorrt --fp16 \\",
            "      --samples photos/ --max-batch 256",
            "  flink-inference setup tensorrt ppocr-cls-sparse24 --device 1"},
        description = {"Build a TensorRT plan from an ONNX model in the store for the GPU of this machine: precisions "
                + "from the ONNX file (FP32, or INT8 for a QDQ model from setup int8 --target tensorrt), or with --fp16 "
                + "any layer in FP16 where faster; sparse weights for 2:4-pruned models. The plan is run against its "
                + "parent on ONNX Runtime on held-out samples and published as <model>[-fp16]-trt-sm<compute "
                + "capability>, with the TensorRT version, compute capability and validation figures in its manifest, "
                + "only if it agrees at least --min-agreement. The timing cache is kept in the store.",
            "Needs TensorRT 10 (libnvinfer.so.10) and an NVIDIA GPU; fails at once, publishing nothing, without them."})
public final class TensorRtCommand implements Callable<Integer> {
    /** The engine whose compiler builds the plans. */
    static final String ENGINE = "tensorrt";
    /** Required top-1 agreement with the parent by default; a QDQ parent runs differently on ONNX Runtime's CPU kernels. */
    static final double DEFAULT_AGREEMENT = 0.99;
    static final double DEFAULT_INT8_AGREEMENT = 0.97;

    @Mixin
    DerivedModelOptions derived;

    @Option(names = "--fp16", description = "Let TensorRT run any layer in FP16 where that is faster (for a QDQ model: "
            + "the layers it did not quantize). Without it, layers run in the precision of the ONNX file.")
    boolean fp16;

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

    @Option(names = "--optimization-level", paramLabel = "0-5",
            description = "TensorRT's builder optimization level (its default: 3). Lower levels try fewer kernels, so a large "
                    + "model builds in a fraction of the time and its plan may run slower; higher ones search longer.")
    Integer optimizationLevel;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (optimizationLevel != null && (optimizationLevel < 0 || optimizationLevel > 5)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--optimization-level must be 0 to 5 (TensorRT's builder optimization levels), not " + optimizationLevel);
        }
        ModelCompiler compiler = compiler();
        compiler.checkAvailable(); // before anything else: no TensorRT, no work
        ModelStore opened = derived.openStore();
        ModelVersion model = derived.resolveParent(opened);
        Manifest manifest = model.manifest();
        if (manifest.format() != ModelFormat.ONNX) {
            throw new IllegalArgumentException(model.ref() + " is " + manifest.format() + "; plans are built from ONNX models.");
        }
        SampleImages samples = derived.validationSamples(model); // before minutes of building: a missing folder fails now
        SpeedComparison.Settings speed = derived.speed();
        long start = System.nanoTime();
        Consumer<String> progress = phase -> {
            out.printf("[%6.1fs] %s%n", (System.nanoTime() - start) / 1e9, phase);
            out.flush();
        };
        ModelCompiler.Precision precision = fp16 ? ModelCompiler.Precision.FP16 : ModelCompiler.Precision.AS_MODEL;
        ModelCompiler.Compiled plan = compiler.compile(model, new ModelCompiler.Options(device,
                new ModelCompiler.BatchProfile(minBatch, optBatch, maxBatch), workspaceMib << 20, opened, precision,
                optimizationLevel == null ? ModelCompiler.Options.DEFAULT_EFFORT : optimizationLevel), progress);
        progress.accept(plan.summary());
        double required = derived.minAgreement("int8".equals(manifest.precision()) ? DEFAULT_INT8_AGREEMENT : DEFAULT_AGREEMENT);
        DerivedModelPublisher.Outcome outcome = DerivedModelPublisher.validateAndPublish(opened, model,
                candidate(model, plan, precision, derived.name), samples, required, speed, out, ENGINE,
                () -> Engines.provider(ENGINE).openCandidate(plan.name(), plan.bytes(), manifest.inputs(), manifest.outputs(),
                        candidateOptions()));
        return outcome.published().isPresent() ? 0 : 1;
    }

    /** The plan as the publisher takes it: published under its own name (or --name) with the precision it may run in. */
    static DerivedModelPublisher.Candidate candidate(ModelVersion parent, ModelCompiler.Compiled plan,
            ModelCompiler.Precision precision, String name) {
        return new DerivedModelPublisher.Candidate(plan.bytes(), name != null ? name : plan.name(), plan.format(),
                plan.artifact(), precision.publishedAs(parent.manifest().precision()), plan.transform(), plan.facts());
    }

    private Configuration candidateOptions() {
        Configuration options = new Configuration();
        options.setString("tensorrt.candidate-device", Integer.toString(device));
        return options;
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
     * under the name the compiler gives it, with the timing cache kept in {@code target}, without
     * the gate: for tests and checks that compare the plan themselves.
     */
    public static Published buildAndPublish(ModelStore target, ModelVersion model, ModelCompiler.BatchProfile batches,
            int device, long workspaceBytes, Consumer<String> progress) {
        ModelCompiler.Compiled plan = compiler().compile(model, new ModelCompiler.Options(device, batches, workspaceBytes, target),
                progress);
        ModelVersion published = DerivedModelPublisher.publish(target, model,
                candidate(model, plan, ModelCompiler.Precision.AS_MODEL, null), plan.facts());
        return new Published(published, plan.summary());
    }
}
