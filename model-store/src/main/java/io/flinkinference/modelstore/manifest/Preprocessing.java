package io.flinkinference.modelstore.manifest;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * How an image becomes the model's input tensor: resize to {@code height} x {@code width} with
 * {@code resizeMode}, reorder channels, then per channel {@code (pixel * scale - mean) / std},
 * laid out as {@code layout}. The operator applies exactly this and never guesses.
 *
 * <p>{@code resizeShort} belongs to {@link ResizeMode#SHORT_SIDE_CENTER_CROP} alone: the length the
 * short side is resized to before the crop. It is a field of its own, not a crop ratio, because
 * model cards state it that way ("resize 256, crop 224") and a ratio would leave the rounding to
 * the reader. Left out, it defaults to {@link #defaultResizeShort}, and the manifest is written
 * with the value filled in, so what a model was published with never depends on this default.
 * Manifests of the other modes leave it out, so manifests written before it existed read as before.
 */
public record Preprocessing(
        int height,
        int width,
        Layout layout,
        ChannelOrder channelOrder,
        double scale,
        List<Double> mean,
        List<Double> std,
        ResizeMode resizeMode,
        @JsonInclude(JsonInclude.Include.NON_NULL) Integer resizeShort) {

    /** The ImageNet recipe's ratio: resize to 256, crop 224. */
    public static final double IMAGENET_RESIZE_RATIO = 256.0 / 224.0;

    @JsonCreator
    public Preprocessing {
        mean = mean == null ? null : List.copyOf(mean);
        std = std == null ? null : List.copyOf(std);
        if (resizeMode == ResizeMode.SHORT_SIDE_CENTER_CROP && resizeShort == null) {
            resizeShort = defaultResizeShort(height, width);
        }
    }

    /** For the modes that take no parameter (and the crop mode with its default short side). */
    public Preprocessing(int height, int width, Layout layout, ChannelOrder channelOrder, double scale,
            List<Double> mean, List<Double> std, ResizeMode resizeMode) {
        this(height, width, layout, channelOrder, scale, mean, std, resizeMode, null);
    }

    /**
     * The short side for a crop of {@code height} x {@code width}: the larger side times 256/224,
     * rounded (256 for 224 x 224). The larger side, so that the crop fits in every image.
     */
    public static int defaultResizeShort(int height, int width) {
        return (int) Math.round(Math.max(height, width) * IMAGENET_RESIZE_RATIO);
    }

    public int channels() {
        return channelOrder == ChannelOrder.GRAY ? 1 : 3;
    }

    public enum Layout {
        NCHW,
        NHWC
    }

    public enum ChannelOrder {
        RGB,
        BGR,
        GRAY
    }

    public enum ResizeMode {
        /** Resize to exactly height x width, ignoring the aspect ratio. */
        STRETCH("stretch"),
        /**
         * Resize to the target height keeping the aspect ratio, cap the width at the target width,
         * and pad the right side with zeros after normalization (PaddleOCR's text-line recipe).
         */
        FIT_HEIGHT_PAD("fit-height-pad"),
        /**
         * The ImageNet evaluation recipe (torchvision's {@code Resize(resizeShort)} then
         * {@code CenterCrop(height, width)}): resize so that the short side becomes
         * {@code resizeShort}, keeping the aspect ratio, then cut the centre height x width. The
         * resize is bilinear without antialiasing, as in the other modes, so a large reduction is
         * slightly sharper than PIL's.
         */
        SHORT_SIDE_CENTER_CROP("short-side-center-crop");

        private final String id;

        ResizeMode(String id) {
            this.id = id;
        }

        @JsonValue
        public String id() {
            return id;
        }

        @JsonCreator
        public static ResizeMode fromId(String id) {
            for (ResizeMode mode : values()) {
                if (mode.id.equals(id)) {
                    return mode;
                }
            }
            throw new IllegalArgumentException("Unknown resize mode '" + id + "'; known: " + knownIds());
        }

        /** The ids of all modes, for messages and help texts. */
        public static String knownIds() {
            return Arrays.stream(values()).map(ResizeMode::id).collect(Collectors.joining(", "));
        }
    }
}
