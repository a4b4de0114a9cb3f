package io.flinkinference.tools.setup;

import ai.onnx.proto.OnnxMl;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.ModelVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code setup int8}: static INT8 quantization as QDQ ONNX, calibrated, validated, published. */
@Command(footer = {"", "Examples:", "  flink-inference setup int8 ppocr-cls", "  flink-inference setup int8 mobilenet --calibration-samples calib/ \\",
            "      --samples holdout/ --calibration MINMAX", "  flink-inference setup int8 ppocr-cls --keep-float conv2d_56.tmp_0 \\",
            "      --max-float-nodes 0", "  flink-inference setup int8 ppocr-rec --search-budget 600"},
        name = "int8", mixinStandardHelpOptions = true,
        description = {"Quantize Conv, MatMul and Gemm to INT8 as explicit QuantizeLinear/DequantizeLinear ONNX (per-channel "
                + "int8 weights, per-tensor activations), calibrated on ONNX Runtime over sample images, validated "
                + "against the parent on held-out samples and published only if it agrees at least --min-agreement.",
            "The form depends on --target: for ONNX Runtime on CPUs, uint8 activations with zero points and int32 biases "
                + "(fused into QLinearConv and MatMulIntegerToFloat); for TensorRT, symmetric int8 with float biases.",
            "When full INT8 agrees too little, a sensitivity search bounded by --search-budget leaves the most sensitive "
                + "nodes in float, printing each step and the time left.",
            "The CPU form exists only for speed: after the gate both are timed on this machine, and a variant below "
                + "--min-speedup times its parent's images/s (default 1.0) is not published."})
final class Int8Command implements Callable<Integer> {
    /** Rendered calibration lines come from another seed than the validation lines, so they never overlap. */
    private static final long CALIBRATION_SEED = 7L;

    @Mixin
    DerivedModelOptions options;
    @Option(names = "--calibration-samples", paramLabel = "DIR", description = "Folder of images to calibrate with.")
    Path calibrationSamples;

    @Option(names = "--calibration", paramLabel = "METHOD", defaultValue = "PERCENTILE",
            description = "MINMAX (the extremes seen) or PERCENTILE (default ${DEFAULT-VALUE}).")
    QdqQuantizer.Calibration calibration;

    @Option(names = "--percentile", paramLabel = "P", defaultValue = "99.99",
            description = "Percentile used as the range with PERCENTILE: of each tail of the values for onnxruntime's "
                    + "uint8 form, of the magnitudes for tensorrt's symmetric one (default ${DEFAULT-VALUE}).")
    double percentile;

    @Option(names = "--keep-float", paramLabel = "NODE", split = ",",
            description = "Nodes (by output name, as 'setup inspect' and this command print them) to leave in float.")
    java.util.List<String> keepFloat = new java.util.ArrayList<>();

    @Option(names = "--target", paramLabel = "ENGINE", defaultValue = "onnxruntime",
            description = "The engine the model is for: onnxruntime (its CPU kernels: uint8 activations with zero points, "
                    + "int32 biases, MatMul outputs in float, depthwise convolutions left in float; published as MODEL-int8) or tensorrt (symmetric int8, zero "
                    + "points 0, biases in float, as TensorRT's ONNX parser requires; published as MODEL-int8-tensorrt, "
                    + "for 'setup tensorrt') (default ${DEFAULT-VALUE}).")
    String target;

    @Option(names = "--max-float-nodes", paramLabel = "N", defaultValue = "8",
            description = "When full INT8 misses --min-agreement on the calibration set, leave up to N of the most "
                    + "sensitive nodes in float (0: never; default ${DEFAULT-VALUE}).")
    int maxFloatNodes;

    @Option(names = "--search-budget", paramLabel = "SECONDS", defaultValue = "180",
            description = "Wall-clock limit of that search: two thirds to measure nodes one by one, the rest to try "
                    + "leaving them in float; where it runs out the search stops and says so (default ${DEFAULT-VALUE}).")
    long searchBudgetSeconds;

    @Option(names = "--min-speedup", paramLabel = "RATIO",
            description = "For --target onnxruntime only: publish the variant only if it runs at least RATIO times its parent's "
                    + "images/s in the speed measurement after the gate (the CPU form exists only for speed; 0: publish "
                    + "whatever its speed; with --no-speed nothing is measured and nothing checks it) (default 1.0).")
    Double minSpeedup;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        QdqQuantizer.Target engine = switch (target) {
            case "onnxruntime" -> QdqQuantizer.Target.ONNX_RUNTIME;
            case "tensorrt" -> QdqQuantizer.Target.TENSORRT;
            default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--target must be onnxruntime or tensorrt, not " + target);
        };
        SpeedComparison.Settings speed = options.speed(); // a bad --speed-seconds fails now, not after the calibration
        SpeedRequirement speedRequirement = speedRequirement(engine);
        if (searchBudgetSeconds < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--search-budget must be at least 1 second, not " + searchBudgetSeconds);
        }
        ModelStore opened = options.openStore();
        ModelVersion version = options.resolveParent(opened);
        SampleImages calibrationSet = DerivedModelPublisher.samples(calibrationSamples, options.renderedLines, version, CALIBRATION_SEED);
        out.printf("Calibrating %s (%s) on %s ...%n", version.ref(), calibration, calibrationSet.description());
        var batches = calibrationSet.batches(version.manifest());
        QdqQuantizer.Calibrated calibrated = QdqQuantizer.calibrate(OnnxMl.ModelProto.parseFrom(version.readModel()),
                version.manifest().inputs(), batches, calibration, percentile,
                done -> {
                    out.printf("  calibrated %d/%d%n", done, calibrationSet.size());
                    out.flush();
                });
        double minAgreement = options.minAgreement(0.97);
        QdqQuantizer.Result result = Int8Tuning.tune(calibrated, engine, version, batches, minAgreement, maxFloatNodes,
                new java.util.LinkedHashSet<>(keepFloat), java.time.Duration.ofSeconds(searchBudgetSeconds), out);
        out.printf("Quantized %d of %d nodes (%d activation tensors)%s, after folding %d BatchNormalizations%s; in float: %s%n",
                result.quantizedNodes(), calibrated.nodes(engine).size(), result.activations(),
                engine == QdqQuantizer.Target.ONNX_RUNTIME ? " (depthwise convolutions stay float for ONNX Runtime's CPU kernels)" : "",
                result.foldedBatchNorms(),
                result.opsetBefore() < OpsetUpgrade.TARGET ? ", model moved from opset " + result.opsetBefore() + " to 13" : "",
                result.keptInFloat().isEmpty() ? "none" : result.keptInFloat());
        if (result.quantizedNodes() == 0) {
            // Every node left in float is the parent itself: publishing it as int8 would promise speed it does not have.
            out.printf("No INT8 form of %s was found: only with every eligible node in float did it agree enough, and that "
                    + "is the float model. Nothing was published.%n", version.ref());
            return 1;
        }
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("calibration.method", calibration.name().toLowerCase());
        facts.put("calibration.samples", Integer.toString(calibrationSet.size()));
        facts.put("calibration.setSha256", calibrationSet.hash());
        facts.put("int8.nodesInFloat", String.join(",", result.keptInFloat()));
        facts.put("int8.target", target);
        if (calibration == QdqQuantizer.Calibration.PERCENTILE) {
            facts.put("calibration.percentile", Double.toString(percentile));
        }
        var outcome = DerivedModelPublisher.validateAndPublish(opened, version,
                DerivedModelPublisher.Candidate.onnx(version, result.model().toByteArray(),
                        options.name(version, engine == QdqQuantizer.Target.TENSORRT ? "int8-tensorrt" : "int8"), "int8",
                        QdqQuantizer.TRANSFORM, facts).requiring(speedRequirement),
                options.validationSamples(version), minAgreement, speed, out);
        return outcome.published().isPresent() ? 0 : 1;
    }

    /**
     * The CPU form must be no slower than its parent by default. The TensorRT form is none: it is
     * measured on ONNX Runtime here but will run as a plan, so its speed here says nothing.
     */
    private SpeedRequirement speedRequirement(QdqQuantizer.Target engine) {
        if (minSpeedup != null && !(minSpeedup >= 0)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--min-speedup must be 0 (no check) or more, not " + minSpeedup);
        }
        if (engine == QdqQuantizer.Target.TENSORRT) {
            if (minSpeedup != null) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--min-speedup applies to --target "
                        + "onnxruntime only: the tensorrt form's speed is its plan's, which 'setup tensorrt' measures");
            }
            return SpeedRequirement.NONE;
        }
        return new SpeedRequirement(minSpeedup != null ? minSpeedup : 1.0, "--min-speedup",
                "On this CPU the parent stays the faster choice; on a GPU machine, try the TensorRT form "
                        + "(--target tensorrt, then 'setup tensorrt').");
    }
}
