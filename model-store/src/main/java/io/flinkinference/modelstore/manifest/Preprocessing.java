package io.flinkinference.modelstore.manifest;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.List;

/**
 * How an image becomes the model's input tensor: resize to {@code height} x {@code width} with
 * {@code resizeMode}, reorder channels, then per channel {@code (pixel * scale - mean) / std},
 * laid out as {@code layout}. The operator applies exactly this and never guesses.
 */
public record Preprocessing(
        int height,
        int width,
        Layout layout,
        ChannelOrder channelOrder,
        double scale,
        List<Double> mean,
        List<Double> std,
        ResizeMode resizeMode) {

    public Preprocessing {
        mean = mean == null ? null : List.copyOf(mean);
        std = std == null ? null : List.copyOf(std);
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
        FIT_HEIGHT_PAD("fit-height-pad");

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
            throw new IllegalArgumentException(
                    "Unknown resize mode '" + id + "'; known: stretch, fit-height-pad");
        }
    }
}
