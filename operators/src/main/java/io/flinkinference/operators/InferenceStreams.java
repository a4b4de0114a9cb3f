package io.flinkinference.operators;

import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/** What {@link Inference#apply} gives: the results, and the records that failed (side output). */
public final class InferenceStreams<OUT> {
    private final SingleOutputStreamOperator<OUT> results;
    private final DataStream<InferenceFailure> failures;

    InferenceStreams(SingleOutputStreamOperator<OUT> results, DataStream<InferenceFailure> failures) {
        this.results = results;
        this.failures = failures;
    }

    public SingleOutputStreamOperator<OUT> results() {
        return results;
    }

    public DataStream<InferenceFailure> failures() {
        return failures;
    }
}
