package io.flinkinference.operators;

import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Sends {@code Left} failures to the side output and {@code Right} results downstream. */
final class SplitFailures<OUT> extends ProcessFunction<Either<InferenceFailure, OUT>, OUT> {
    private static final long serialVersionUID = 1L;

    private final OutputTag<InferenceFailure> failures;

    SplitFailures(OutputTag<InferenceFailure> failures) {
        this.failures = failures;
    }

    @Override
    public void processElement(Either<InferenceFailure, OUT> value, Context context, Collector<OUT> out) {
        if (value.isLeft()) {
            context.output(failures, value.left());
        } else {
            out.collect(value.right());
        }
    }
}
