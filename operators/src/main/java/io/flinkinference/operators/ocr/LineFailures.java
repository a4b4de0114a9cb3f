package io.flinkinference.operators.ocr;

import io.flinkinference.operators.InferenceFailure;
import io.flinkinference.operators.InferenceFailure.Stage;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The failure record of one line crop, and the way back from it: a failed line still belongs to an
 * image whose other lines wait for it, so the failure says which line of which image it was, and
 * {@link #unreadLine} turns it into a line without text that completes the image.
 */
public final class LineFailures {
    /** Metadata keys a line's failure carries, next to the image's own metadata. */
    public static final String LINE_INDEX = "ocr.line";
    public static final String LINE_COUNT = "ocr.lines";
    public static final String BOX = "ocr.box";

    /** How a line's failure reason begins ("line 2 of 5: ..."), which a dead letter keeps: its image still has a result. */
    private static final java.util.regex.Pattern LINE_REASON = java.util.regex.Pattern.compile("^line \\d+ of \\d+: ");

    private LineFailures() {}

    /** The failure of {@code crop} at {@code stage}; its payload is the crop as a PNG, the bytes the stage was given. */
    public static InferenceFailure of(LineCrop crop, Stage stage, Throwable error) {
        Map<String, String> metadata = new HashMap<>(crop.metadata());
        metadata.put(LINE_INDEX, Integer.toString(crop.lineIndex()));
        metadata.put(LINE_COUNT, Integer.toString(crop.lineCount()));
        StringBuilder box = new StringBuilder();
        for (double value : crop.box().xy()) {
            box.append(box.isEmpty() ? "" : ",").append(value);
        }
        metadata.put(BOX, box.toString());
        String reason = error.getMessage() != null ? error.getMessage() : error.getClass().getSimpleName();
        return new InferenceFailure(crop.imageId(), stage, error.getClass().getName(),
                "line " + crop.lineIndex() + " of " + crop.lineCount() + ": " + reason, png(crop),
                crop.eventTimeMillis(), metadata);
    }

    /**
     * Whether a dead letter's reason is a line's (made by {@link #of}): its image is still written,
     * that line without text, so a reader waiting for each image's answer waits for the result.
     */
    public static boolean isLineReason(String reason) {
        return reason != null && LINE_REASON.matcher(reason).find();
    }

    /** Whether {@code failure} is a line's (made by {@link #of}) rather than a whole image's. */
    public static boolean isLine(InferenceFailure failure) {
        return failure.metadata().containsKey(LINE_INDEX) && failure.metadata().containsKey(LINE_COUNT);
    }

    /** The failed line as a line without text (confidence 0), so that its image's result is still written. */
    public static RecognizedLine unreadLine(InferenceFailure failure) {
        Map<String, String> metadata = new HashMap<>(failure.metadata());
        int index = Integer.parseInt(metadata.remove(LINE_INDEX));
        int count = Integer.parseInt(metadata.remove(LINE_COUNT));
        String[] values = metadata.remove(BOX).split(",");
        double[] xy = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            xy[i] = Double.parseDouble(values[i]);
        }
        return new RecognizedLine(failure.id(), index, count, new BoxCorners(xy, 0f), "", 0f, failure.eventTimeMillis(), metadata);
    }

    private static byte[] png(LineCrop crop) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(crop.image(), "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot encode a line crop as PNG", e);
        }
        return out.toByteArray();
    }
}
