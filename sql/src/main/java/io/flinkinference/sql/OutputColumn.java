package io.flinkinference.sql;

import io.flinkinference.operators.InferenceFailure;
import io.flinkinference.operators.InferenceResult;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.LogicalTypeRoot;

import java.io.Serializable;

/**
 * One column of a model's {@code OUTPUT}, and how its value comes out of a result. What a column
 * may be follows the manifest's postprocessing, checked by {@link ModelColumns}: {@code label} and
 * {@code score} (the best class) for top-k, {@code text} for CTC, a float tensor per output for
 * raw; {@code batch_size} and {@code error} for any model.
 *
 * @param tensor the output tensor's name for {@link Kind#TENSOR}, else null
 * @param type the column's type root, for the numbers that may be FLOAT or DOUBLE, INT or BIGINT
 */
record OutputColumn(Kind kind, String tensor, LogicalTypeRoot type) implements Serializable {

    enum Kind {
        /** The best class's label (top-k postprocessing). */
        LABEL,
        /** The best class's score (top-k postprocessing). */
        SCORE,
        /** The decoded text (CTC postprocessing). */
        TEXT,
        /** An output tensor's values for the row (raw postprocessing). */
        TENSOR,
        /** How many rows the batch held that the row ran in: what the batcher achieved. */
        BATCH_SIZE,
        /** Why the row has no prediction (an image that does not decode, a tensor of the wrong size); null otherwise. */
        ERROR
    }

    /** The column's value for a row that ran. */
    Object value(InferenceResult result) {
        return switch (kind) {
            case LABEL -> result.labels().isEmpty() ? null : StringData.fromString(result.labels().get(0).label());
            case SCORE -> result.labels().isEmpty() ? null : number(result.labels().get(0).score());
            case TEXT -> result.text() == null ? null : StringData.fromString(result.text());
            case TENSOR -> result.tensors().stream().filter(t -> t.name().equals(tensor)).findFirst()
                    .map(t -> (Object) new GenericArrayData(t.values())).orElse(null);
            case BATCH_SIZE -> type == LogicalTypeRoot.BIGINT ? (Object) (long) result.batchSize() : (Object) result.batchSize();
            case ERROR -> null;
        };
    }

    /** The column's value for a row that could not run: only {@code error} says something. */
    Object value(InferenceFailure failure) {
        return kind == Kind.ERROR ? StringData.fromString(failure.stage() + ": " + failure.reason()) : null;
    }

    private Object number(float score) {
        return type == LogicalTypeRoot.DOUBLE ? (Object) (double) score : (Object) score;
    }
}
