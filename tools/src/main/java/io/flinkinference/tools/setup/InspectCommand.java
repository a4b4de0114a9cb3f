package io.flinkinference.tools.setup;

import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.jobs.cli.StoreOption;
import io.flinkinference.modelstore.manifest.DataType;
import io.flinkinference.modelstore.manifest.TensorSpec;
import io.flinkinference.modelstore.onnx.OnnxModelInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code setup inspect}: what an ONNX model declares, and whether this project can handle it. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show an ONNX model's opset, inputs and outputs (with dynamic dimensions), parameter count, "
                + "operator histogram and size, and the reasons it cannot be handled, if any (exit status 1 then).")
final class InspectCommand implements Callable<Integer> {
    /** Opsets ONNX Runtime 1.23 and TensorRT 10 both read. */
    static final int MIN_OPSET = 7;
    static final int MAX_OPSET = 21;

    @Mixin
    StoreOption store;

    @Parameters(paramLabel = "FILE|MODEL[:VERSION]", description = "An ONNX file, or a model in the store.")
    String model;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path file = Path.of(model);
        byte[] bytes;
        boolean hasPreprocessing = false;
        if (Files.isRegularFile(file)) {
            bytes = Files.readAllBytes(file);
        } else {
            var version = store.open().resolve(ModelRef.parse(model));
            bytes = version.readModel();
            hasPreprocessing = version.manifest().preprocessing() != null;
        }
        OnnxModelInfo info = OnnxModelInfo.parse(bytes, model);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("model:       %s (%.1f KB)%n", model, info.sizeBytes() / 1024.0);
        out.printf("opset:       %d%n", info.opset());
        out.printf("parameters:  %,d%n", info.parameterCount());
        info.inputs().forEach(t -> out.printf("input:       %s%n", t));
        info.outputs().forEach(t -> out.printf("output:      %s%n", t));
        out.println("operators:");
        info.operatorHistogram().entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .forEach(e -> out.printf("  %-24s %d%n", e.getKey(), e.getValue()));
        List<String> problems = problems(info, hasPreprocessing, Files.isRegularFile(file) ? file.toAbsolutePath().getParent() : null);
        if (problems.isEmpty()) {
            out.println("supported:   yes");
            return 0;
        }
        problems.forEach(p -> out.println("NOT SUPPORTED: " + p));
        return 1;
    }

    /** @param folder where external data files are looked for; null when the model comes from the store */
    static List<String> problems(OnnxModelInfo info, boolean hasPreprocessing, Path folder) {
        List<String> problems = new ArrayList<>();
        for (String external : info.externalDataFiles()) {
            if (folder == null || !Files.isRegularFile(folder.resolve(external))) {
                problems.add("the weights live in an external data file '" + external + "', which is missing"
                        + (folder == null ? "" : " from " + folder) + "; keep it beside the .onnx file, or save the model "
                        + "with its weights inside (onnx.save_model(..., save_as_external_data=False)).");
            }
        }
        if (info.opset() < MIN_OPSET || info.opset() > MAX_OPSET) {
            problems.add("opset " + info.opset() + " is outside " + MIN_OPSET + ".." + MAX_OPSET
                    + "; convert the model with onnx.version_converter first.");
        }
        for (TensorSpec input : info.inputs()) {
            if (input.dtype() != DataType.FLOAT32 && input.dtype() != DataType.FLOAT16 && !hasPreprocessing) {
                problems.add("input '" + input.name() + "' is " + input.dtype() + " and no preprocessing spec says how "
                        + "to produce it; import the model with a spec or feed it tensors.");
            }
        }
        return problems;
    }
}
