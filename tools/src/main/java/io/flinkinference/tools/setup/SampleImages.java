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
 */
public final class SampleImages {
    private static final int BATCH = 32;

    private final List<BufferedImage> images;
    private final String hash;

    private SampleImages(List<BufferedImage> images, String hash) {
        this.images = images;
        this.hash = hash;
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
        return new SampleImages(images, HexFormat.of().formatHex(digest.digest()));
    }

    /** {@code count} rendered text lines, half of them upside down, reproducible from {@code seed}. */
    public static SampleImages renderedTextLines(int count, long seed) {
        if (count < 1) {
            throw new IllegalArgumentException("The sample set is empty: ask for at least one rendered line.");
        }
        List<BufferedImage> images = new TextLineImages(seed).samples(count).stream().map(TextLineImages.Sample::image).toList();
        MessageDigest digest = sha256();
        digest.update(("rendered-text-lines:" + count + ":" + seed).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return new SampleImages(images, HexFormat.of().formatHex(digest.digest()));
    }

    public int size() {
        return images.size();
    }

    public String hash() {
        return hash;
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
