package io.flinkinference.tools.setup;

import io.flinkinference.jobs.cli.StoreOption;

import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.manifest.Lineage;
import io.flinkinference.modelstore.manifest.Manifest;
import io.flinkinference.modelstore.manifest.ManifestCodec;
import io.flinkinference.modelstore.manifest.Postprocessing;
import io.flinkinference.modelstore.manifest.Preprocessing;
import io.flinkinference.modelstore.manifest.TensorSpec;
import io.flinkinference.modelstore.manifest.Preprocessing.ChannelOrder;
import io.flinkinference.modelstore.manifest.Preprocessing.Layout;
import io.flinkinference.modelstore.manifest.Preprocessing.ResizeMode;
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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
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
    StoreOption store;

    @Parameters(paramLabel = "FILE", description = "The ONNX model file.")
    Path file;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--name", required = true, description = "Model name in the store.")
    String name;

    @Option(names = "--version", description = "Version number to publish (default: the next free one).")
    Integer version;

    @Option(names = "--size", paramLabel = "HxW", description = "Input image size, e.g. 224x224; enables preprocessing.")
    String size;

    @Option(names = "--preprocess-spec", paramLabel = "FILE",
            description = "Preprocessing as a JSON file (the manifest's preprocessing object), instead of --size and the options below.")
    Path preprocessSpec;

    @Option(names = "--layout", defaultValue = "NCHW", description = "Tensor layout: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    Layout layout;

    @Option(names = "--channels", defaultValue = "RGB", description = "Channel order: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    ChannelOrder channels;

    @Option(names = "--scale", defaultValue = "1/255", description = "Factor applied to 0-255 pixels before mean/std, e.g. 1/255 (default ${DEFAULT-VALUE}).")
    String scale;

    @Option(names = "--mean", split = ",", description = "Per-channel mean after scaling (default 0 for each channel).")
    List<Double> mean;

    @Option(names = "--std", split = ",", description = "Per-channel standard deviation after scaling (default 1).")
    List<Double> std;

    @Option(names = "--resize", paramLabel = "MODE", defaultValue = "stretch", converter = ResizeModeConverter.class,
            description = {"How an image becomes HxW (default ${DEFAULT-VALUE}):",
                "  stretch: to HxW exactly, ignoring the aspect ratio;",
                "  fit-height-pad: to height H keeping the aspect ratio, the width capped at W, zeros on the "
                        + "right (PaddleOCR's text lines);",
                "  short-side-center-crop: the short side to --resize-short keeping the aspect ratio, then the "
                        + "centre HxW (the ImageNet recipe, torchvision's Resize then CenterCrop)."})
    ResizeMode resize;

    @Option(names = "--resize-short", paramLabel = "PIXELS",
            description = "With --resize short-side-center-crop: the length the short side is resized to before the crop "
                    + "(default: the larger of H and W times 256/224, rounded; 256 for 224x224).")
    Integer resizeShort;

    @Option(names = "--labels", paramLabel = "FILE", description = "Labels file, one per line in class order: results are top-k labels.")
    Path labels;

    @Option(names = "--top-k", defaultValue = "5", description = "How many labels to report with --labels (default ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--alphabet", paramLabel = "FILE", description = "CTC alphabet, one symbol per line (index i+1 is line i, 0 is blank).")
    Path alphabet;

    @Option(names = "--output", description = "Output tensor the postprocessing reads (default: the first output).")
    String output;

    @Option(names = "--precision", defaultValue = "fp32", description = "Precision of the weights (default ${DEFAULT-VALUE}).")
    String precision;

    @Option(names = "--no-preprocessing", description = "Import an image-shaped model without preprocessing, to take "
            + "tensors only (otherwise such a model needs --size or --preprocess-spec).")
    boolean noPreprocessing;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(file)) {
            throw new ParameterException(spec.commandLine(), "No such model file: " + file);
        }
        if (preprocessSpec != null && size != null) {
            throw new ParameterException(spec.commandLine(), "Give --preprocess-spec or --size (with its options), not both.");
        }
        if (labels != null && alphabet != null) {
            throw new ParameterException(spec.commandLine(), "Give --labels (topk) or --alphabet (ctc), not both.");
        }
        refuse(ImportChecks.precision(precision));
        OnnxModelInfo info = OnnxModelInfo.read(file);
        String outputName = output != null ? output : info.outputs().get(0).name();
        TensorSpec read = info.outputs().stream().filter(o -> o.name().equals(outputName)).findFirst()
                .orElseThrow(() -> new ParameterException(spec.commandLine(), "The model has no output '" + outputName
                        + "'; it has " + info.outputs().stream().map(TensorSpec::name).toList() + "."));
        if (labels != null) {
            refuse(ImportChecks.labels(Files.readAllLines(labels), labels.getFileName().toString(), read));
        }
        Preprocessing pre = preprocessSpec != null
                ? ManifestCodec.decodePreprocessing(Files.readAllBytes(preprocessSpec), preprocessSpec.toString())
                : size == null ? null : preprocessing();
        refuse(ImportChecks.preprocessing(info.inputs(), pre, noPreprocessing));

        Map<String, Path> files = new LinkedHashMap<>();
        files.put("model.onnx", file);
        Postprocessing post = Postprocessing.raw();
        if (labels != null) {
            files.put(labels.getFileName().toString(), labels);
            post = Postprocessing.topK(outputName, labels.getFileName().toString(), topK);
        } else if (alphabet != null) {
            files.put(alphabet.getFileName().toString(), alphabet);
            post = Postprocessing.ctc(outputName, alphabet.getFileName().toString());
        }
        Manifest draft = Manifest.builder(name)
                .artifact("model.onnx")
                .precision(precision)
                .inputs(info.inputs())
                .outputs(info.outputs())
                .preprocessing(pre)
                .postprocessing(post)
                .lineage(Lineage.fromSource("file:" + file.toAbsolutePath()))
                .build();
        ModelVersion published = store.open().publish(draft, files,
                version == null ? OptionalInt.empty() : OptionalInt.of(version));
        spec.commandLine().getOut().println("Published " + published.ref() + " at " + published.location());
        return 0;
    }

    private void refuse(java.util.Optional<String> reason) {
        if (reason.isPresent()) {
            throw new ParameterException(spec.commandLine(), reason.get() + " Nothing was published.");
        }
    }

    private Preprocessing preprocessing() {
        String[] hw = size.toLowerCase().split("x");
        if (hw.length != 2) {
            throw new ParameterException(spec.commandLine(), "--size must look like 224x224, not " + size);
        }
        if (resizeShort != null && resize != ResizeMode.SHORT_SIDE_CENTER_CROP) {
            throw new ParameterException(spec.commandLine(), "--resize-short applies to --resize "
                    + ResizeMode.SHORT_SIDE_CENTER_CROP.id() + " only, not " + resize.id() + ".");
        }
        int height = Integer.parseInt(hw[0].trim());
        int width = Integer.parseInt(hw[1].trim());
        if (resizeShort != null && resizeShort < Math.max(height, width)) {
            throw new ParameterException(spec.commandLine(), "--resize-short " + resizeShort + " is smaller than the "
                    + size + " crop, which would not fit; give at least " + Math.max(height, width) + ".");
        }
        int channelCount = channels == ChannelOrder.GRAY ? 1 : 3;
        return new Preprocessing(
                height,
                width,
                layout,
                channels,
                parseScale(scale),
                mean != null ? mean : repeat(0.0, channelCount),
                std != null ? std : repeat(1.0, channelCount),
                resize,
                resizeShort);
    }

    private static List<Double> repeat(double value, int count) {
        Double[] values = new Double[count];
        Arrays.fill(values, value);
        return List.of(values);
    }

    private static double parseScale(String text) {
        int slash = text.indexOf('/');
        return slash < 0
                ? Double.parseDouble(text)
                : Double.parseDouble(text.substring(0, slash)) / Double.parseDouble(text.substring(slash + 1));
    }
}
