package io.flinkinference.operators.ocr;

import org.apache.commons.text.similarity.LevenshteinDistance;

/**
 * Character error rate, the usual OCR accuracy measure: the edit distance (insertions, deletions and
 * substitutions of characters, Levenshtein's) from the reference to the recognized text, over the
 * reference's length. It can pass 1 when the recognizer invents text. Over many images, add each
 * pair and take {@link #rate()}: errors summed over characters summed, so long lines weigh more,
 * as corpus CER is reported. commons-text comes with Flink (flink-core depends on it).
 */
public final class CharacterErrorRate {
    private static final LevenshteinDistance LEVENSHTEIN = LevenshteinDistance.getDefaultInstance();

    private long errors;
    private long referenceCharacters;

    /** The rate of one recognized text against its reference, which must not be empty. */
    public static double of(String reference, String recognized) {
        return new CharacterErrorRate().add(reference, recognized).rate();
    }

    /** Adds one pair; returns this. */
    public CharacterErrorRate add(String reference, String recognized) {
        errors += LEVENSHTEIN.apply(reference, recognized);
        referenceCharacters += reference.length();
        return this;
    }

    public long errors() {
        return errors;
    }

    public long referenceCharacters() {
        return referenceCharacters;
    }

    public double rate() {
        if (referenceCharacters == 0) {
            throw new IllegalStateException("A character error rate is relative to the reference's length, and no reference"
                    + " characters were added (" + errors + " errors)");
        }
        return (double) errors / referenceCharacters;
    }
}
