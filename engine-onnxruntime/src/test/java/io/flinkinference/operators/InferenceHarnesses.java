package io.flinkinference.operators;

import io.flinkinference.operators.batching.BatchClock;
import io.flinkinference.testing.TestRequests;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.OneInputStreamOperatorFactory;
import org.apache.flink.streaming.api.operators.AbstractUdfStreamOperator;
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

    /**
     * The operator with its batcher on {@code clock}: the harness runs the operator's function
     * object as it is, unserialized, so the clock set on it here is the one its batcher reads.
     */
    static OneInputStreamOperatorTestHarness<InferenceRequest, Either<InferenceFailure, InferenceResult>> of(
            Inference<InferenceRequest, InferenceResult> inference, BatchClock clock) throws Exception {
        return of(inference, 1, 0, clock);
    }

    /** Subtask {@code subtask} of {@code parallelism}, its batcher on {@code clock}. */
    static OneInputStreamOperatorTestHarness<InferenceRequest, Either<InferenceFailure, InferenceResult>> of(
            Inference<InferenceRequest, InferenceResult> inference, int parallelism, int subtask, BatchClock clock) throws Exception {
        OneInputStreamOperatorTestHarness<InferenceRequest, Either<InferenceFailure, InferenceResult>> harness =
                harness(asyncTransformation(inference), parallelism, subtask);
        ((InferenceFunction<?, ?>) ((AbstractUdfStreamOperator<?, ?>) harness.getOperator()).getUserFunction()).useClock(clock);
        return harness;
    }

    /** The operator as subtask {@code subtask} of {@code parallelism}. */
    static OneInputStreamOperatorTestHarness<InferenceRequest, Either<InferenceFailure, InferenceResult>> of(
            Inference<InferenceRequest, InferenceResult> inference, int parallelism, int subtask) throws Exception {
        return harness(asyncTransformation(inference), parallelism, subtask);
    }

    private static OneInputTransformation<?, ?> asyncTransformation(Inference<InferenceRequest, InferenceResult> inference) {
        // A stand-in input for apply(): the harness feeds the operator itself.
        DataStream<InferenceRequest> input = StreamExecutionEnvironment.getExecutionEnvironment()
                .fromData(TypeInformation.of(InferenceRequest.class), TestRequests.tensor("unused", 96));
        return (OneInputTransformation<?, ?>) inference.apply(input).operator().getTransformation();
    }

    private static OneInputStreamOperatorTestHarness<InferenceRequest, Either<InferenceFailure, InferenceResult>> harness(
            OneInputTransformation<?, ?> async, int parallelism, int subtask) throws Exception {
        @SuppressWarnings("unchecked")
        OneInputStreamOperatorFactory<InferenceRequest, Either<InferenceFailure, InferenceResult>> factory =
                (OneInputStreamOperatorFactory<InferenceRequest, Either<InferenceFailure, InferenceResult>>) async.getOperatorFactory();
        OneInputStreamOperatorTestHarness<InferenceRequest, Either<InferenceFailure, InferenceResult>> harness =
                new OneInputStreamOperatorTestHarness<>(factory, parallelism, parallelism, subtask);
        harness.getStreamConfig().setupNetworkInputs(TypeInformation.of(InferenceRequest.class).createSerializer(new SerializerConfigImpl()));
        harness.getStreamConfig().serializeAllConfigs();
        @SuppressWarnings("unchecked")
        TypeInformation<Either<InferenceFailure, InferenceResult>> outputType =
                (TypeInformation<Either<InferenceFailure, InferenceResult>>) async.getOutputType();
        harness.setup(outputType.createSerializer(new SerializerConfigImpl()));
        return harness;
    }
}
