package io.flinkinference.jobs.kafka;

import io.flinkinference.operators.InferenceFailure;
import io.flinkinference.operators.InferenceRequest;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.io.IOException;

/** Sends messages the deserializer could not read to a side output as DESERIALIZE failures. */
public final class RouteUnreadable extends ProcessFunction<InferenceRequest, InferenceRequest> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<InferenceFailure> UNREADABLE =
            new OutputTag<>("unreadable-messages", TypeInformation.of(InferenceFailure.class));

    @Override
    public void processElement(InferenceRequest request, Context context, Collector<InferenceRequest> out) {
        String reason = request.metadata().get(ImageRecordDeserializer.UNREADABLE);
        if (reason == null) {
            out.collect(request);
            return;
        }
        InferenceFailure failure = InferenceFailure.of(request, InferenceFailure.Stage.DESERIALIZE, new IOException(reason))
                .withErrorClass(request.metadata().getOrDefault(ImageRecordDeserializer.UNREADABLE_CLASS, IOException.class.getName()));
        context.output(UNREADABLE, failure);
    }
}
