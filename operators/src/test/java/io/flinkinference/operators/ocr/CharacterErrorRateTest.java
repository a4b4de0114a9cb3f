package io.flinkinference.operators.ocr;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CharacterErrorRateTest {
    @Test
    void countsSubstitutionsInsertionsAndDeletionsOverTheReference() {
        assertThat(CharacterErrorRate.of("flink", "flink")).isZero();
        assertThat(CharacterErrorRate.of("flink", "fl1nk")).isEqualTo(1 / 5.0); // one substitution
        assertThat(CharacterErrorRate.of("flink", "flinks")).isEqualTo(1 / 5.0); // one insertion
        assertThat(CharacterErrorRate.of("kafka topic", "kafk topc")).isEqualTo(2 / 11.0); // two deletions
        assertThat(CharacterErrorRate.of("ab", "xyzw")).isEqualTo(2.0); // invented text passes 1
    }

    @Test
    void aCorpusRateWeighsLongLinesMore() {
        CharacterErrorRate corpus = new CharacterErrorRate().add("a", "b").add("checkpoint", "checkpoint");

        assertThat(corpus.errors()).isEqualTo(1);
        assertThat(corpus.referenceCharacters()).isEqualTo(11);
        assertThat(corpus.rate()).isEqualTo(1 / 11.0);
    }

    @Test
    void anEmptyReferenceHasNoRate() {
        assertThatThrownBy(() -> CharacterErrorRate.of("", "text")).hasMessageContaining("no reference characters");
    }
}
