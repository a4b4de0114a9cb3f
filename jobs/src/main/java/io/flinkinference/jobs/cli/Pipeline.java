package io.flinkinference.jobs.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.Locale;

/** Which job {@code run} and {@code demo} start: one model on each image, or the three-model OCR pipeline. */
public enum Pipeline {
    /** One model per image ({@code --model}): labels, CTC text or raw tensors. */
    CLASSIFY,
    /** Detection, orientation and recognition: the text of each image, line by line ({@code OcrJob}). */
    OCR;

    /** Reads {@code classify} or {@code ocr}, in any case. */
    public static final class Converter implements ITypeConverter<Pipeline> {
        @Override
        public Pipeline convert(String value) {
            try {
                return Pipeline.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' is not a pipeline; use classify or ocr");
            }
        }
    }
}
