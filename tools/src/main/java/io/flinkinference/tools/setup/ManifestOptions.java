package io.flinkinference.tools.setup;

import io.flinkinference.modelstore.manifest.Lineage;
import io.flinkinference.modelstore.manifest.Manifest;
import io.flinkinference.modelstore.manifest.ManifestCodec;
import io.flinkinference.modelstore.manifest.Postprocessing;
import io.flinkinference.modelstore.manifest.Preprocessing;
import io.flinkinference.modelstore.manifest.Preprocessing.ChannelOrder;
import io.flinkinference.modelstore.manifest.Preprocessing.Layout;
import io.flinkinference.modelstore.manifest.Preprocessing.ResizeMode;
import io.flinkinference.modelstore.manifest.TensorSpec;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a new model's manifest says beyond the tensors its ONNX file declares: preprocessing,
 * postprocessing (with its labels or alphabet file) and precision. Shared by the commands that
 * bring a model into the store ({@code setup import}, {@code setup export}), so that both take the
 * same options and refuse the same mistakes.
 */
final class ManifestOptions {
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

    /** Refuses contradictory options before any work is done. */
    void checkConsistent(CommandLine commandLine) {
        if (preprocessSpec != null && size != null) {
            throw new ParameterException(commandLine, "Give --preprocess-spec or --size (with its options), not both.");
        }
        if (labels != null && alphabet != null) {
            throw new ParameterException(commandLine, "Give --labels (topk) or --alphabet (ctc), not both.");
        }
        refuse(commandLine, ImportChecks.precision(precision));
    }

    /** Whether the model will be published as a CTC text recognizer ({@code --alphabet}), which reads upright lines only. */
    boolean readsTextLines() {
        return alphabet != null;
    }

    /** The preprocessing the options describe, or null when they give none (the model takes tensors). */
    Preprocessing preprocessing(CommandLine commandLine) throws IOException {
        if (preprocessSpec != null) {
            return ManifestCodec.decodePreprocessing(Files.readAllBytes(preprocessSpec), preprocessSpec.toString());
        }
        return size == null ? null : fromSizeOptions(commandLine);
    }

    /** A model's files and manifest, as the options describe them: the main file is stored as {@code model.onnx}. */
    record Draft(Manifest manifest, Map<String, Path> files) {
        /** The same draft with the lineage known once the model has been checked. */
        Draft withLineage(Lineage lineage) {
            Manifest m = manifest;
            return new Draft(new Manifest(m.schemaVersion(), m.name(), m.version(), m.format(), m.artifact(), m.precision(),
                    m.createdAt(), m.inputs(), m.outputs(), m.preprocessing(), m.postprocessing(), lineage, m.files()), files);
        }
    }

    /**
     * The manifest of a model with these inputs and outputs, after the checks that would make it
     * unusable (labels that do not fit, an image input without preprocessing).
     */
    Draft draft(CommandLine commandLine, String name, Path modelFile, List<TensorSpec> inputs, List<TensorSpec> outputs,
            Lineage lineage) throws IOException {
        String outputName = output != null ? output : outputs.get(0).name();
        TensorSpec read = outputs.stream().filter(o -> o.name().equals(outputName)).findFirst()
                .orElseThrow(() -> new ParameterException(commandLine, "The model has no output '" + outputName
                        + "'; it has " + outputs.stream().map(TensorSpec::name).toList() + "."));
        if (labels != null) {
            refuse(commandLine, ImportChecks.labels(Files.readAllLines(labels), labels.getFileName().toString(), read));
        }
        Preprocessing pre = preprocessing(commandLine);
        refuse(commandLine, ImportChecks.preprocessing(inputs, pre, noPreprocessing));

        Map<String, Path> files = new LinkedHashMap<>();
        files.put("model.onnx", modelFile);
        Postprocessing post = Postprocessing.raw();
        if (labels != null) {
            files.put(labels.getFileName().toString(), labels);
            post = Postprocessing.topK(outputName, labels.getFileName().toString(), topK);
        } else if (alphabet != null) {
            files.put(alphabet.getFileName().toString(), alphabet);
            post = Postprocessing.ctc(outputName, alphabet.getFileName().toString());
        }
        Manifest manifest = Manifest.builder(name)
                .artifact("model.onnx")
                .precision(precision)
                .inputs(inputs)
                .outputs(outputs)
                .preprocessing(pre)
                .postprocessing(post)
                .lineage(lineage)
                .build();
        return new Draft(manifest, files);
    }

    private static void refuse(CommandLine commandLine, Optional<String> reason) {
        if (reason.isPresent()) {
            throw new ParameterException(commandLine, reason.get() + " Nothing was published.");
        }
    }

    private Preprocessing fromSizeOptions(CommandLine commandLine) {
        String[] hw = size.toLowerCase().split("x");
        if (hw.length != 2) {
            throw new ParameterException(commandLine, "--size must look like 224x224, not " + size);
        }
        if (resizeShort != null && resize != ResizeMode.SHORT_SIDE_CENTER_CROP) {
            throw new ParameterException(commandLine, "--resize-short applies to --resize "
                    + ResizeMode.SHORT_SIDE_CENTER_CROP.id() + " only, not " + resize.id() + ".");
        }
        int height = Integer.parseInt(hw[0].trim());
        int width = Integer.parseInt(hw[1].trim());
        if (resizeShort != null && resizeShort < Math.max(height, width)) {
            throw new ParameterException(commandLine, "--resize-short " + resizeShort + " is smaller than the "
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
