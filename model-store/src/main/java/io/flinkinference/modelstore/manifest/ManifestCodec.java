package io.flinkinference.modelstore.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flinkinference.modelstore.ModelNames;
import io.flinkinference.modelstore.ModelStoreException.MalformedManifestException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and writes {@code manifest.json}, and checks that a manifest is complete and consistent
 * before anyone relies on it. Every problem is reported with the manifest's location and the
 * field at fault.
 */
public final class ManifestCodec {
    private static final ObjectMapper JSON =
            JsonMapper.builder()
                    .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .build();
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private ManifestCodec() {}

    public static byte[] encode(Manifest manifest) {
        try {
            return JSON.writeValueAsBytes(manifest);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialize manifest of " + manifest.name(), e);
        }
    }

    /**
     * Parses and validates a published manifest.
     *
     * @param where where the bytes came from, for messages (a path or URI)
     */
    public static Manifest decode(byte[] bytes, String where) {
        JsonNode tree;
        try {
            tree = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new MalformedManifestException(
                    where + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new MalformedManifestException(where + " cannot be parsed: " + e.getMessage(), e);
        }
        if (!(tree instanceof ObjectNode object)) {
            throw new MalformedManifestException(where + " must hold a JSON object.");
        }
        JsonNode schema = object.get("schemaVersion");
        if (schema == null || !schema.canConvertToInt()) {
            throw new MalformedManifestException(where + " has no integer 'schemaVersion'.");
        }
        if (schema.intValue() < 1 || schema.intValue() > Manifest.SCHEMA_VERSION) {
            throw new MalformedManifestException(
                    where + " uses manifest schema " + schema.intValue() + "; this reader knows 1 to "
                            + Manifest.SCHEMA_VERSION + ". Upgrade flink-inference to read it.");
        }
        JsonNode format = object.get("format");
        if (format == null || !format.isTextual()) {
            throw new MalformedManifestException(where + " has no 'format'.");
        }
        ModelFormat.fromId(format.textValue(), where);

        Manifest manifest;
        try {
            manifest = JSON.treeToValue(object, Manifest.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            String detail = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new MalformedManifestException(where + " is malformed: " + detail, e);
        }
        validatePublished(manifest, where);
        return manifest;
    }

    /** The checks that every published manifest passes; also run by the store before publishing. */
    public static void validatePublished(Manifest m, String where) {
        require(m.name() != null, where, "'name' is missing");
        ModelNames.checkModelName(m.name());
        require(m.version() >= 1, where, "'version' must be 1 or more, not " + m.version());
        validateDraft(m, where);
        require(m.createdAt() != null, where, "'createdAt' is missing");
        require(!m.files().isEmpty(), where, "'files' is empty");
        Set<String> fileNames = new HashSet<>();
        for (FileEntry file : m.files()) {
            require(file.name() != null, where, "a file entry has no name");
            ModelNames.checkFileName(file.name());
            require(fileNames.add(file.name()), where, "file '" + file.name() + "' is listed twice");
            require(file.sha256() != null && SHA256_HEX.matcher(file.sha256()).matches(), where,
                    "file '" + file.name() + "' has no valid sha256 (64 lower-case hex digits)");
            require(file.size() >= 0, where, "file '" + file.name() + "' has a negative size");
        }
        require(fileNames.contains(m.artifact()), where,
                "the artifact '" + m.artifact() + "' is not among its files " + fileNames);
        Postprocessing post = m.postprocessing();
        if (post != null && post.labelsFile() != null) {
            require(fileNames.contains(post.labelsFile()), where,
                    "postprocessing.labelsFile '" + post.labelsFile() + "' is not among its files");
        }
        if (post != null && post.alphabetFile() != null) {
            require(fileNames.contains(post.alphabetFile()), where,
                    "postprocessing.alphabetFile '" + post.alphabetFile() + "' is not among its files");
        }
    }

    /** The checks a manifest passes before the store has numbered it and hashed its files. */
    public static void validateDraft(Manifest m, String where) {
        require(m.format() != null, where, "'format' is missing");
        require(m.artifact() != null, where, "'artifact' (the main model file) is missing");
        ModelNames.checkFileName(m.artifact());
        require(!m.inputs().isEmpty(), where, "'inputs' is empty");
        require(!m.outputs().isEmpty(), where, "'outputs' is empty");
        for (TensorSpec tensor : m.inputs()) {
            validateTensor(tensor, "inputs", where);
        }
        for (TensorSpec tensor : m.outputs()) {
            validateTensor(tensor, "outputs", where);
        }
        Preprocessing pre = m.preprocessing();
        if (pre != null) {
            require(pre.height() > 0 && pre.width() > 0, where,
                    "preprocessing size must be positive, not " + pre.height() + "x" + pre.width());
            require(pre.layout() != null && pre.channelOrder() != null && pre.resizeMode() != null,
                    where, "preprocessing needs layout, channelOrder and resizeMode");
            require(pre.scale() > 0, where, "preprocessing.scale must be positive");
            require(pre.mean().size() == pre.channels() && pre.std().size() == pre.channels(), where,
                    "preprocessing.mean and .std need one value per channel (" + pre.channels() + ")");
            require(pre.std().stream().allMatch(s -> s != 0), where, "preprocessing.std holds a zero");
            validateResizeShort(pre, where);
        }
        Postprocessing post = m.postprocessing();
        if (post != null) {
            require(post.type() != null, where, "postprocessing.type is missing");
            switch (post.type()) {
                case TOPK -> require(post.labelsFile() != null, where,
                        "postprocessing type topk needs a labelsFile");
                case CTC -> require(post.alphabetFile() != null, where,
                        "postprocessing type ctc needs an alphabetFile");
                case RAW -> { }
            }
            if (post.output() != null) {
                require(m.output(post.output()).isPresent(), where,
                        "postprocessing.output '" + post.output() + "' is not one of the outputs");
            }
        }
    }

    /**
     * The crop must fit in every resized image: the short side is resized to {@code resizeShort}
     * and the long side to at least that, so {@code resizeShort} must be at least the larger side
     * of the crop. No other mode takes it.
     */
    private static void validateResizeShort(Preprocessing pre, String where) {
        if (pre.resizeMode() != Preprocessing.ResizeMode.SHORT_SIDE_CENTER_CROP) {
            require(pre.resizeShort() == null, where, "preprocessing.resizeShort applies to resizeMode "
                    + Preprocessing.ResizeMode.SHORT_SIDE_CENTER_CROP.id() + " only, not " + pre.resizeMode().id());
            return;
        }
        require(pre.resizeShort() >= Math.max(pre.height(), pre.width()), where,
                "preprocessing.resizeShort " + pre.resizeShort() + " is smaller than the " + pre.height() + "x"
                        + pre.width() + " crop; it must be at least " + Math.max(pre.height(), pre.width()));
    }

    private static void validateTensor(TensorSpec tensor, String list, String where) {
        require(tensor.name() != null && !tensor.name().isEmpty(), where, "a tensor in '" + list + "' has no name");
        require(tensor.dtype() != null, where, "tensor '" + tensor.name() + "' has no dtype");
        for (long dim : tensor.shape()) {
            require(dim == TensorSpec.DYNAMIC || dim > 0, where,
                    "tensor '" + tensor.name() + "' has dimension " + dim + " (use -1 for dynamic)");
        }
    }

    private static void require(boolean condition, String where, String problem) {
        if (!condition) {
            throw new MalformedManifestException(where + ": " + problem + ".");
        }
    }

    /**
     * Reads a preprocessing spec (the manifest's {@code preprocessing} object on its own, as JSON),
     * for example {@code {"height":224,"width":224,"layout":"NCHW","channelOrder":"RGB","scale":0.00392156862745098,
     * "mean":[0.485,0.456,0.406],"std":[0.229,0.224,0.225],"resizeMode":"stretch"}}.
     */
    public static Preprocessing decodePreprocessing(byte[] bytes, String where) {
        Preprocessing pre;
        try {
            pre = JSON.readValue(bytes, Preprocessing.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new MalformedManifestException(where + " is not a valid preprocessing spec: " + e.getMessage(), e);
        }
        if (pre.layout() == null || pre.channelOrder() == null || pre.resizeMode() == null || pre.mean() == null) {
            throw new MalformedManifestException(where + " needs height, width, layout, channelOrder, scale, mean, std and resizeMode.");
        }
        return pre;
    }

    /** For tools that print a manifest. */
    public static String toText(Manifest manifest) {
        return new String(encode(manifest), StandardCharsets.UTF_8);
    }
}
