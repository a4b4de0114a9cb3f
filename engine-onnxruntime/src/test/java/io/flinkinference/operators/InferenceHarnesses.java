package io.flinkinference.operators;

import io.flinkinference.testing.TestRequests;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.OneInputStreamOperatorFactory;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.types.Either;

/** Flink's operator test harness around the inference operator exactly as {@link Inference#apply} adds it to a job. */
final class InferenceHarnesses {
    private InferenceHarnesses() {}

    static OneInputStreamOperatorTestHarness<InferenceRequest, Either<InferenceFailure, InferenceResult>> of(
            Inference<InferenceRequest, InferenceResult> inference) throws Exception {
        return of(inference, 1, 0);
    }

    /** The operator as subtask {@code subtask} of {@code parallelism}. */
    static OneInputStreamOperatorTestHarness<InferenceRequest, Either<InferenceFailure, InferenceResult>> of(
            Inference<InferenceRequest, InferenceResult> inference, int parallelism, int subtask) throws Exception {
        // A stand-in input for apply(): the harness feeds the operator itself.
        DataStream<InferenceRequest> input = StreamExecutionEnvironment.getExecutionEnvironment()
                .fromData(TypeInformation.of(InferenceRequest.class), TestRequests.tensor("unused", 96));
        Transformation<Either<InferenceFailure, InferenceResult>> async = inference.apply(input).operator().getTransformation();
        @SuppressWarnings("unchecked")
        OneInputStreamOperatorFactory<InferenceRequest, Either<InferenceFailure, InferenceResult>> factory =
                (OneInputStreamOperatorFactory<InferenceRequest, Either<InferenceFailure, InferenceResult>>)
                        ((OneInputTransformation<?, ?>) async).getOperatorFactory();
        OneInputStreamOperatorTestHarness<InferenceRequest, Either<InferenceFailure, InferenceResult>> harness =
                new OneInputStreamOperatorTestHarness<>(factory, parallelism, parallelism, subtask);
        harness.getStreamConfig().setupNetworkInputs(TypeInformation.of(InferenceRequest.class).createSerializer(new SerializerConfigImpl()));
        harness.getStreamConfig().serializeAllConfigs();
        harness.setup(async.getOutputType().createSerializer(new SerializerConfigImpl()));
        return harness;
    }
}
