package io.flinkinference.tools.setup;

import io.flinkinference.modelstore.manifest.Manifest;
import io.flinkinference.operators.engine.Tensor;
import io.flinkinference.samples.TextLineImages;
import io.flinkinference.operators.translate.BadInputException;
import io.flinkinference.operators.translate.ImageDecoder;
import io.flinkinference.operators.translate.ImagePreprocessor;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The sample images a setup step calibrates and validates with: a folder of the user's images, or
 * rendered text lines for the bundled PaddleOCR models. Preprocessed exactly as the manifest says,
 * in batches, with a hash of the set for the lineage.
 *
 * <p>Rendered lines are upright for a CTC text recognizer and half upside down for any other
 * model (the orientation classifier). In the OCR pipeline the classifier turns every line upright
 * before the recognizer reads it, so a recognizer never sees an upside-down line; on one its
 * output is a near-tie between garbage readings that no derived variant can be expected to keep,
 * and a gate counting those lines measures noise rather than the variant.
 */
public final class SampleImages {
    private static final int BATCH = 32;

    private final List<BufferedImage> images;
    private final String hash;
    /** The orientation classifier's label of each rendered line ("0", "180"); empty for a folder. */
    private final List<String> orientations;
    private final String description;

    private SampleImages(List<BufferedImage> images, String hash, List<String> orientations, String description) {
        this.images = images;
        this.hash = hash;
        this.orientations = orientations;
        this.description = description;
    }

    public static SampleImages fromFolder(Path folder) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(folder)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        MessageDigest digest = sha256();
        List<BufferedImage> images = new ArrayList<>();
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            try {
                images.add(ImageDecoder.decode(bytes));
                digest.update(bytes);
            } catch (BadInputException e) {
                // Not an image (a README, a checksum file): skip it, as a user expects of a folder.
            }
        }
        if (images.isEmpty()) {
            throw new IllegalArgumentException("No readable images in " + folder + " (JPEG, PNG, BMP, GIF); "
                    + "the setup step needs sample images to calibrate and validate with.");
        }
        return new SampleImages(images, HexFormat.of().formatHex(digest.digest()), List.of(),
                images.size() + " images from " + folder);
    }

    /**
     * {@code count} rendered text lines for the model of {@code manifest}, reproducible from
     * {@code seed}: all upright for a CTC text recognizer (see the class comment), half of them
     * upside down, in random order, otherwise.
     */
    public static SampleImages renderedTextLines(int count, long seed, Manifest manifest) {
        return renderedTextLines(count, seed, readsUprightLines(manifest));
    }

    /** {@code count} rendered lines from {@code seed}: all upright, or half upside down. */
    public static SampleImages renderedTextLines(int count, long seed, boolean upright) {
        if (count < 1) {
            throw new IllegalArgumentException("The sample set is empty: ask for at least one rendered line.");
        }
        TextLineImages renderer = new TextLineImages(seed);
        List<TextLineImages.Sample> samples = upright
                ? java.util.stream.IntStream.range(0, count).mapToObj(i -> renderer.sample(false)).toList()
                : renderer.samples(count);
        MessageDigest digest = sha256();
        // The orientation is part of the set: the same seed gives other lines upright-only than mixed.
        digest.update(("rendered-text-lines:" + (upright ? "upright:" : "") + count + ":" + seed)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return new SampleImages(samples.stream().map(TextLineImages.Sample::image).toList(),
                HexFormat.of().formatHex(digest.digest()), samples.stream().map(TextLineImages.Sample::orientationLabel).toList(),
                count + (upright ? " rendered text lines, all upright (as the orientation classifier hands them to a recognizer)"
                        : " rendered text lines, half of them upside down"));
    }

    /**
     * Whether the model reads lines only after the orientation classifier turned them upright: a
     * CTC text recognizer, told by its postprocessing as {@link AgreementMeasure#of} tells it.
     */
    static boolean readsUprightLines(Manifest manifest) {
        return AgreementMeasure.of(manifest) == AgreementMeasure.CTC_TEXT;
    }

    public int size() {
        return images.size();
    }

    public String hash() {
        return hash;
    }

    /** The orientation classifier's label ("0" upright, "180" upside down) of each rendered line; empty for a folder. */
    List<String> orientations() {
        return orientations;
    }

    /** What the set is, for progress lines: "200 rendered text lines, all upright (...)". */
    String description() {
        return description;
    }

    /** The images as input batches for a model with this manifest (single image input). */
    public List<Map<String, Tensor>> batches(Manifest manifest) {
        if (manifest.preprocessing() == null) {
            throw new IllegalArgumentException(manifest.name() + " has no preprocessing in its manifest, so images "
                    + "cannot be turned into its input; import it with a preprocessing spec first.");
        }
        ImagePreprocessor preprocessor = new ImagePreprocessor(manifest.preprocessing());
        String input = manifest.inputs().get(0).name();
        List<Map<String, Tensor>> batches = new ArrayList<>();
        for (int start = 0; start < images.size(); start += BATCH) {
            batches.add(Map.of(input, preprocessor.batch(images.subList(start, Math.min(images.size(), start + BATCH)))));
        }
        return batches;
    }

    private static MessageDigest sha256() {
        return io.flinkinference.modelstore.Checksums.newSha256();
    }
}
