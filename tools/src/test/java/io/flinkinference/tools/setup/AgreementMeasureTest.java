package io.flinkinference.tools.setup;

import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AgreementMeasureTest {

    /** Two steps of three classes (0 is the blank) for each row. */
    private static FloatBuffer scores(float... values) {
        return FloatBuffer.wrap(values);
    }

    @Test
    void aRecognizersAnswerIsItsGreedyPathSoNearTiesBetweenBlankStepsDoNotCount() {
        // Both rows read class 2 then blank. They differ only in which blank step scores highest,
        // which decides the best score of the whole row but not the text.
        FloatBuffer parent = scores(0.1f, 0.0f, 0.9f, 0.999f, 0.0f, 0.001f);
        FloatBuffer candidate = scores(0.0f, 0.0f, 0.9990f, 0.998f, 0.0f, 0.002f);

        assertThat(AgreementMeasure.CTC_TEXT.answer(parent, 0, 6, 3))
                .isEqualTo(AgreementMeasure.CTC_TEXT.answer(candidate, 0, 6, 3))
                .isEqualTo(List.of(2));
        // Over the whole row the best score moved from step 2's blank to step 1's character.
        assertThat(AgreementMeasure.TOP1.answer(parent, 0, 6, 3))
                .isNotEqualTo(AgreementMeasure.TOP1.answer(candidate, 0, 6, 3));
    }

    @Test
    void aGreedyPathCollapsesRepeatsDropsBlanksAndKeepsARepeatSeparatedByABlank() {
        // Steps: 1, 1, blank, 1, 2 -> "1 1 2" (the blank separates the two 1s).
        FloatBuffer row = scores(
                0, 1, 0,
                0, 1, 0,
                1, 0, 0,
                0, 1, 0,
                0, 0, 1);
        assertThat(AgreementMeasure.CTC_TEXT.answer(row, 0, 15, 3)).isEqualTo(List.of(1, 1, 2));
    }

    @Test
    void differentTextDisagrees() {
        FloatBuffer a = scores(0, 1, 0, 1, 0, 0);
        FloatBuffer b = scores(0, 0, 1, 1, 0, 0);
        assertThat(AgreementMeasure.CTC_TEXT.answer(a, 0, 6, 3)).isNotEqualTo(AgreementMeasure.CTC_TEXT.answer(b, 0, 6, 3));
    }

    @Test
    void rowsAreReadFromTheirOwnOffset() {
        FloatBuffer twoRows = scores(0, 1, 0, 1, 0, 0, /* row 2 */ 0, 0, 1, 0, 0, 1);
        assertThat(AgreementMeasure.CTC_TEXT.answer(twoRows, 6, 6, 3)).isEqualTo(List.of(2));
        assertThat(AgreementMeasure.TOP1.answer(twoRows, 6, 6, 3)).isEqualTo(2);
    }
}
