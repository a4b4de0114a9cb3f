package io.flinkinference.jobs.ocr;

import io.flinkinference.jobs.StreamingInferenceJob;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The OCR job's own settings, one model and one largest batch per stage, as typed options
 * ({@code ocr.<stage>.model}, {@code ocr.<stage>.max-batch-size}) that a properties file, the
 * cluster's configuration and the command line all set. The {@code inference.*} settings (store,
 * engine, queue delay, ...) are shared by the three stages and stay where they are.
 */
public final class OcrOptions {
    private OcrOptions() {}

    /** The prefix of every key of this class. */
    public static final String PREFIX = "ocr.";

    public static final ConfigOption<String> DETECTION_MODEL = ConfigOptions.key("ocr.detection.model")
            .stringType().defaultValue("ppocr-det")
            .withDescription("The text detector (DB): NAME, NAME:latest or NAME:VERSION in the model store.");

    public static final ConfigOption<Integer> DETECTION_MAX_BATCH_SIZE = ConfigOptions.key("ocr.detection.max-batch-size")
            .intType().defaultValue(4)
            .withDescription("Most pages in one detection batch; only pages of the same detector size share a batch.");

    public static final ConfigOption<String> ORIENTATION_MODEL = ConfigOptions.key("ocr.orientation.model")
            .stringType().defaultValue("ppocr-cls")
            .withDescription("The line orientation classifier (0 or 180 degrees).");

    public static final ConfigOption<Integer> ORIENTATION_MAX_BATCH_SIZE = ConfigOptions.key("ocr.orientation.max-batch-size")
            .intType().defaultValue(32)
            .withDescription("Most line crops in one orientation batch (all crops share one 48x192 shape).");

    public static final ConfigOption<String> RECOGNITION_MODEL = ConfigOptions.key("ocr.recognition.model")
            .stringType().defaultValue("ppocr-rec")
            .withDescription("The text recognizer (CTC) and its alphabet.");

    public static final ConfigOption<Integer> RECOGNITION_MAX_BATCH_SIZE = ConfigOptions.key("ocr.recognition.max-batch-size")
            .intType().defaultValue(16)
            .withDescription("Most line crops in one recognition batch; only crops of one width bucket share a batch.");

    private static final List<ConfigOption<?>> ALL = List.of(DETECTION_MODEL, DETECTION_MAX_BATCH_SIZE, ORIENTATION_MODEL,
            ORIENTATION_MAX_BATCH_SIZE, RECOGNITION_MODEL, RECOGNITION_MAX_BATCH_SIZE);

    /** Every key this class declares, sorted. */
    public static Set<String> keys() {
        Set<String> keys = new TreeSet<>();
        ALL.forEach(option -> keys.add(option.key()));
        return keys;
    }

    /**
     * The job's settings: {@code io} for Kafka and the shared inference settings, {@code ocr} for
     * the stages (defaults where it says nothing).
     *
     * @throws IllegalArgumentException for an {@code ocr.*} key this class does not know (a typo would
     *     otherwise leave a stage on its default unnoticed), or a batch size below 1
     */
    public static OcrJob.Settings settings(StreamingInferenceJob.Settings io, Configuration ocr) {
        List<OcrJob.Stage> stages = stages(ocr);
        return new OcrJob.Settings(io, stages.get(0), stages.get(1), stages.get(2));
    }

    /** The stages {@code ocr} describes: detection, orientation, recognition; refused as {@link #settings} says. */
    public static List<OcrJob.Stage> stages(Configuration ocr) {
        Set<String> unknown = new TreeSet<>(ocr.keySet());
        unknown.removeIf(key -> !key.startsWith(PREFIX) || keys().contains(key));
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("Unknown OCR setting(s) " + unknown + "; the OCR job knows " + keys());
        }
        return List.of(stage(ocr, DETECTION_MODEL, DETECTION_MAX_BATCH_SIZE),
                stage(ocr, ORIENTATION_MODEL, ORIENTATION_MAX_BATCH_SIZE),
                stage(ocr, RECOGNITION_MODEL, RECOGNITION_MAX_BATCH_SIZE));
    }

    private static OcrJob.Stage stage(ReadableConfig ocr, ConfigOption<String> model, ConfigOption<Integer> maxBatchSize) {
        int size = ocr.get(maxBatchSize);
        if (size < 1) {
            throw new IllegalArgumentException(maxBatchSize.key() + " must be at least 1, not " + size);
        }
        return new OcrJob.Stage(ocr.get(model), size);
    }
}
