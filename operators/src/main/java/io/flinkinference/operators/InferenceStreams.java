package io.flinkinference.operators;

import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.types.Either;

/**
 * What {@link Inference#apply} gives: the results, the records that failed (side output), and the
 * inference operator itself, on which to set what Flink lets one set on any operator.
 */
public final class InferenceStreams<OUT> {
    private final SingleOutputStreamOperator<Either<InferenceFailure, OUT>> operator;
    private final SingleOutputStreamOperator<OUT> results;
    private final DataStream<InferenceFailure> failures;

    InferenceStreams(SingleOutputStreamOperator<Either<InferenceFailure, OUT>> operator,
            SingleOutputStreamOperator<OUT> results, DataStream<InferenceFailure> failures) {
        this.operator = operator;
        this.results = results;
        this.failures = failures;
    }

    /**
     * The async operator that batches and runs the model, e.g. to put it in its own slot sharing
     * group (GPU TaskManagers), give it resources or another name. Its uid is
     * already set ({@link InferenceOptions#UID}); change it only with a savepoint in mind.
     */
    public SingleOutputStreamOperator<Either<InferenceFailure, OUT>> operator() {
        return operator;
    }

    /** The results of the records that made it through. */
    public SingleOutputStreamOperator<OUT> results() {
        return results;
    }

    /** The records that failed, with stage and reason; the job goes on without them. */
    public DataStream<InferenceFailure> failures() {
        return failures;
    }
}
