package io.flinkinference.tools.setup;

import io.flinkinference.modelstore.manifest.Manifest;
import io.flinkinference.modelstore.manifest.Postprocessing;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * What "the candidate gives the same answer as its parent" means for one sample, read from the
 * first output the way the model's postprocessing reads it. A classifier's answer is its best
 * class. A CTC recognizer's [N, T, C] output holds one score vector per time step, so its answer
 * is the greedy path (the best class per step, repeats collapsed, blanks dropped): equal paths are
 * equal text whatever the alphabet. The best class over all T*C scores of such a row says nothing
 * (many steps score the blank near 1.0, and any of them may win), which is why a near-identical
 * INT8 recognizer once "agreed" on 16.5% of its lines.
 */
public enum AgreementMeasure {
    TOP1("top-1 agreement") {
        @Override
        Object answer(FloatBuffer scores, int base, int perRow, int classes) {
            return argmax(scores, base, perRow);
        }
    },
    CTC_TEXT("same text") {
        @Override
        Object answer(FloatBuffer scores, int base, int perRow, int classes) {
            List<Integer> path = new ArrayList<>();
            int previous = -1;
            for (int step = base; step < base + perRow; step += classes) {
                int best = argmax(scores, step, classes);
                if (best != 0 && best != previous) {
                    path.add(best);
                }
                previous = best;
            }
            return path;
        }
    };

    private final String description;

    AgreementMeasure(String description) {
        this.description = description;
    }

    /** How a model's derived versions are compared with it: by text for CTC recognizers, by top-1 otherwise. */
    public static AgreementMeasure of(Manifest manifest) {
        Postprocessing post = manifest.postprocessing();
        return post != null && post.type() == Postprocessing.Kind.CTC ? CTC_TEXT : TOP1;
    }

    /** Words for reports: "top-1 agreement", "same text". */
    public String description() {
        return description;
    }

    /**
     * One sample's answer, comparable with {@code equals}.
     *
     * @param base the sample's first score
     * @param perRow the sample's score count
     * @param classes the last dimension (scores per time step for CTC)
     */
    abstract Object answer(FloatBuffer scores, int base, int perRow, int classes);

    private static int argmax(FloatBuffer values, int base, int count) {
        int best = 0;
        for (int i = 1; i < count; i++) {
            if (values.get(base + i) > values.get(base + best)) {
                best = i;
            }
        }
        return best;
    }
}
