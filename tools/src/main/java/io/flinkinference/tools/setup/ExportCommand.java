package io.flinkinference.tools.setup;

import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.manifest.Lineage;
import io.flinkinference.modelstore.manifest.Preprocessing;
import io.flinkinference.modelstore.onnx.OnnxModelInfo;
import io.flinkinference.operators.engine.InferenceEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code setup export}: a PyTorch model into the store as ONNX, once ONNX Runtime is shown to compute what PyTorch does. */
@Command(
        name = "export",
        description = {
            "Export a PyTorch model to ONNX (dynamic batch, opset " + ExportSpec.DEFAULT_OPSET + " by default), check that "
                    + "ONNX Runtime gives PyTorch's outputs on seeded random inputs and on sample images, and publish it with "
                    + "its manifest (the preprocessing and postprocessing options of 'setup import') and its lineage (source "
                    + "hash, torch version, opset, fidelity figures).",
            "FILE is a TorchScript archive (torch.jit.save), or a Python file defining the model with --class and, for "
                    + "trained weights, --state-dict. The Python that runs it needs torch: --python, $" + TorchPython.ENV
                    + ", else /usr/bin/python3 or the PATH's python3."
        },
        // Not mixinStandardHelpOptions: its -V/--version would clash with --version, as in 'setup import'.
        footer = {
            "",
            "Examples:",
            "  flink-inference setup export classifier.pt --name classifier \\",
            "      --size 224x224 --mean 0.485,0.456,0.406 --std 0.229,0.224,0.225 \\",
            "      --labels labels.txt --samples images/",
            "  flink-inference setup export net.py --class OrientationNet \\",
            "      --state-dict weights.pt --name orientation --size 32x128 \\",
            "      --resize fit-height-pad --channels GRAY --mean 0.5 --std 0.5 \\",
            "      --dynamic-axis 3=width --samples lines/",
            "  flink-inference setup export resnet.py --class build \\",
            "      --input-shape 1x3x224x224 --no-preprocessing --name resnet-tensors \\",
            "      --python ~/venv/bin/python"
        })
final class ExportCommand implements Callable<Integer> {
    /** Random inputs are the same on every run, so that a lineage's figures can be reproduced. */
    static final long RANDOM_INPUT_SEED = 20261201L;

    @Mixin
    NewModelOptions target;

    @Parameters(paramLabel = "FILE", description = "A TorchScript archive, or a Python file defining the model.")
    Path file;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--class", paramLabel = "NAME",
            description = "With a Python FILE: the nn.Module class it defines, or a function returning the model, called without arguments.")
    String className;

    @Option(names = "--state-dict", paramLabel = "FILE",
            description = "With a Python FILE: the weights (torch.save(model.state_dict(), FILE)); without it the module "
                    + "keeps the weights it is built with, seeded.")
    Path stateDict;

    @Option(names = "--input-name", defaultValue = "input", description = "Name of the ONNX input (default ${DEFAULT-VALUE}).")
    String inputName;

    @Option(names = "--input-shape", paramLabel = "SHAPE",
            description = "Example input shape for the export, e.g. 1x3x224x224 (default: from --size, --channels and --layout).")
    String inputShape;

    @Option(names = "--dynamic-axis", paramLabel = "AXIS=NAME",
            description = "An input axis besides the batch (axis 0, always dynamic) whose size may vary, e.g. 3=width; repeatable.")
    List<String> dynamicAxes = List.of();

    @Option(names = "--output-names", paramLabel = "NAME", split = ",",
            description = "Names of the ONNX outputs in the model's order (default: output, or output0, output1, ...).")
    List<String> outputNames = List.of();

    @Option(names = "--opset", defaultValue = "" + ExportSpec.DEFAULT_OPSET,
            description = "ONNX opset (default ${DEFAULT-VALUE}: the highest torch 1.13 writes, read by ONNX Runtime and TensorRT 10).")
    int opset;

    @Option(names = "--random-inputs", paramLabel = "N", defaultValue = "8",
            description = "Seeded random inputs (normal, in one batch of N) the fidelity check runs (default ${DEFAULT-VALUE}).")
    int randomInputs;

    @Option(names = "--samples", paramLabel = "DIR", description = "Folder of sample images the fidelity check runs as well, preprocessed as the manifest says.")
    Path samples;

    @Option(names = "--rendered-lines", paramLabel = "N", defaultValue = "0",
            description = "For a text-line model: N rendered text lines (half upside down) as sample images (default ${DEFAULT-VALUE}).")
    int renderedLines;

    @Option(names = "--tolerance", paramLabel = "DIFF", defaultValue = "1e-3",
            description = "Largest absolute difference between PyTorch's and ONNX Runtime's outputs that is published (default ${DEFAULT-VALUE}).")
    double tolerance;

    @Option(names = "--python", paramLabel = "PATH", description = "The Python interpreter with torch to run the model with.")
    Path python;

    @Mixin
    ManifestOptions manifestOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        manifestOptions.checkConsistent(spec.commandLine());
        if (randomInputs < 1 && samples == null && renderedLines < 1) {
            throw new IllegalArgumentException("The fidelity check needs inputs: --random-inputs, --samples or --rendered-lines.");
        }
        TorchSource source = TorchSource.of(file, className, stateDict);
        Preprocessing preprocessing = manifestOptions.preprocessing(spec.commandLine());
        ExportSpec exportSpec = ExportSpec.of(inputName, inputShape, preprocessing, dynamicAxes, outputNames, opset);
        TorchPython torch = TorchPython.locate(python, System.getenv());
        out.printf("Python %s (torch %s)%n", torch.executable(), torch.torchVersion());

        Path work = WorkFolders.create("export");
        try {
            FidelityInputs inputs = FidelityInputs.create(exportSpec, randomInputs, RANDOM_INPUT_SEED,
                    sampleImages(), preprocessing, target.name());
            TorchExport.Result exported = new TorchExport(new PythonStep(torch, work)).export(source, exportSpec, inputs, out);
            OnnxModelInfo info = OnnxModelInfo.parse(exported.onnx(), file.toString());

            Map<String, String> facts = new LinkedHashMap<>(source.lineage());
            facts.put("torch.version", exported.torchVersion());
            facts.putAll(exportSpec.lineage(exported.outputNames()));
            if (inputs.samplesHash() != null) {
                facts.put("fidelity.samplesSha256", inputs.samplesHash());
            }
            Lineage provisional = new Lineage(null, null, List.of(), "file:" + source.file(), facts);
            ManifestOptions.Draft draft = manifestOptions.draft(spec.commandLine(), target.name(), exported.onnxFile(), info.inputs(),
                    info.outputs(), provisional);

            FidelityCheck.Report report = checkFidelity(exported, info, draft);
            report.print(out);
            if (!report.passed()) {
                out.println("Nothing was published.");
                return 1;
            }
            facts.putAll(report.lineage());
            Lineage lineage = new Lineage(null, null, List.of(), provisional.source(), facts);
            ModelVersion published = target.publish(draft.withLineage(lineage).manifest(), draft.files());
            out.println("Published " + published.ref() + " at " + published.location());
            return 0;
        } finally {
            WorkFolders.delete(work);
        }
    }

    /** ONNX Runtime on the exported bytes, against PyTorch's outputs on the same inputs. */
    private FidelityCheck.Report checkFidelity(TorchExport.Result exported, OnnxModelInfo info, ManifestOptions.Draft draft) {
        try (InferenceEngine onnx = CandidateEngines.openCandidate(file.getFileName() + " exported to ONNX", exported.onnx(),
                info.inputs(), info.outputs())) {
            return FidelityCheck.run(onnx, exported.batches(), AgreementMeasure.of(draft.manifest()), tolerance);
        }
    }

    private SampleImages sampleImages() throws IOException {
        if (samples != null) {
            return SampleImages.fromFolder(samples);
        }
        return renderedLines > 0 ? SampleImages.renderedTextLines(renderedLines, DerivedModelOptions.HELD_OUT_SEED,
                manifestOptions.readsTextLines()) : null;
    }
}
