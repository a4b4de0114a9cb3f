package io.flinkinference.modelstore.manifest;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How output tensors become results: {@code topk} over {@code output} with one label per line of
 * {@code labelsFile}; {@code ctc} greedy decoding of {@code output} with {@code alphabetFile}
 * (index i+1 is line i, 0 is the blank); or {@code raw} tensors.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Postprocessing(
        Kind type, String output, String labelsFile, String alphabetFile, Integer topK) {

    public static Postprocessing topK(String output, String labelsFile, int k) {
        return new Postprocessing(Kind.TOPK, output, labelsFile, null, k);
    }

    public static Postprocessing ctc(String output, String alphabetFile) {
        return new Postprocessing(Kind.CTC, output, null, alphabetFile, null);
    }

    public static Postprocessing raw() {
        return new Postprocessing(Kind.RAW, null, null, null, null);
    }

    public enum Kind {
        TOPK("topk"),
        CTC("ctc"),
        RAW("raw");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        @JsonValue
        public String id() {
            return id;
        }

        @JsonCreator
        public static Kind fromId(String id) {
            for (Kind kind : values()) {
                if (kind.id.equals(id)) {
                    return kind;
                }
            }
            throw new IllegalArgumentException(
                    "Unknown postprocessing type '" + id + "'; known: topk, ctc, raw");
        }
    }
}
