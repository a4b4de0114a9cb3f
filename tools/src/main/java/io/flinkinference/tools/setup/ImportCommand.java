package io.flinkinference.tools.setup;


import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.manifest.Lineage;
import io.flinkinference.modelstore.onnx.OnnxModelInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(
        name = "import",
        description = {
            "Publish an ONNX model file as a new version, with the preprocessing and postprocessing its "
                    + "users need. Inputs and outputs are read from the file.",
            "Preprocessing is written only when --size is given; postprocessing is topk with --labels, "
                    + "ctc with --alphabet, raw otherwise."
        },
        // Not mixinStandardHelpOptions: its -V/--version would clash with --version (the number to publish),
        // and picocli then leaves out --help as well.
        footer = {
            "",
            "Example (torchvision MobileNetV2 exported with torch.onnx.export, with its evaluation transform):",
            "  flink-inference models import mobilenetv2.onnx --name mobilenet \\",
            "      --size 224x224 --resize short-side-center-crop --channels RGB \\",
            "      --scale 1/255 --mean 0.485,0.456,0.406 --std 0.229,0.224,0.225 \\",
            "      --labels imagenet.txt --top-k 5"
        })
public final class ImportCommand implements Callable<Integer> {
    @Mixin
    NewModelOptions target;

    @Parameters(paramLabel = "FILE", description = "The ONNX model file.")
    Path file;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Mixin
    ManifestOptions manifestOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(file)) {
            throw new ParameterException(spec.commandLine(), "No such model file: " + file);
        }
        manifestOptions.checkConsistent(spec.commandLine());
        OnnxModelInfo info = OnnxModelInfo.read(file);
        ManifestOptions.Draft draft = manifestOptions.draft(spec.commandLine(), target.name(), file, info.inputs(), info.outputs(),
                Lineage.fromSource("file:" + file.toAbsolutePath()));
        ModelVersion published = target.publish(draft.manifest(), draft.files());
        spec.commandLine().getOut().println("Published " + published.ref() + " at " + published.location());
        return 0;
    }
}
