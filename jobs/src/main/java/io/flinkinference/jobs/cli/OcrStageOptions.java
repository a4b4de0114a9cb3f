package io.flinkinference.jobs.cli;

import io.flinkinference.jobs.ocr.OcrOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Option;

/**
 * The largest batch of each OCR stage, on the command line; shared by {@code run --pipeline ocr},
 * {@code demo --pipeline ocr} and {@code ocr}. Each option is its {@link OcrOptions} key, which a
 * {@code --config} file may set too; an option given here wins.
 */
public final class OcrStageOptions {
    @Option(names = "--det-max-batch-size", paramLabel = "N",
            description = "OCR: most pages per text-detection batch (ocr.detection.max-batch-size, default 4).")
    Integer detectionMaxBatchSize;

    @Option(names = "--cls-max-batch-size", paramLabel = "N",
            description = "OCR: most lines per orientation batch (ocr.orientation.max-batch-size, default 32).")
    Integer orientationMaxBatchSize;

    @Option(names = "--rec-max-batch-size", paramLabel = "N",
            description = "OCR: most lines per recognition batch (ocr.recognition.max-batch-size, default 16).")
    Integer recognitionMaxBatchSize;

    /** Whether any of the options was given (they mean nothing outside the OCR pipeline). */
    public boolean anyGiven() {
        return detectionMaxBatchSize != null || orientationMaxBatchSize != null || recognitionMaxBatchSize != null;
    }

    /** {@code ocr} with the options given laid over it. */
    public Configuration over(Configuration ocr) {
        Configuration merged = new Configuration(ocr);
        set(merged, OcrOptions.DETECTION_MAX_BATCH_SIZE, detectionMaxBatchSize);
        set(merged, OcrOptions.ORIENTATION_MAX_BATCH_SIZE, orientationMaxBatchSize);
        set(merged, OcrOptions.RECOGNITION_MAX_BATCH_SIZE, recognitionMaxBatchSize);
        return merged;
    }

    private static void set(Configuration config, ConfigOption<Integer> option, Integer value) {
        if (value != null) {
            config.set(option, value);
        }
    }
}
