package io.flinkinference.examples;

import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.operators.Inference;
import io.flinkinference.operators.InferenceRequest;
import io.flinkinference.operators.InferenceResult;
import io.flinkinference.operators.InferenceStreams;
import io.flinkinference.samples.TextLineImages;
import io.flinkinference.samples.models.PaddleOcrModels;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Inference in a Flink job of one's own: rendered text lines, some upside down, go through PaddleOCR's
 * orientation classifier ({@code ppocr-cls}) on ONNX Runtime, and each line's answer is printed
 * next to the truth. Run {@link #main} with an optional store URI (default: the default store,
 * into which the models are fetched when missing) and an optional number of lines.
 */
public final class ClassifyTextLinesExample {
    /** The metadata key under which each request carries its right answer, for printing and the test. */
    public static final String TRUTH = "truth";

    private ClassifyTextLinesExample() {}

    public static void main(String[] args) throws Exception {
        URI store = args.length > 0 ? URI.create(args[0]) : ModelStore.defaultRoot();
        int lines = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        PaddleOcrModels.fetchInto(ModelStore.open(store), System.err::println);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        InferenceStreams<InferenceResult> out = classify(env, store, lines);
        out.results()
                .map(r -> r.id() + ": " + r.topLabel() + " degrees (truth " + r.metadata().get(TRUTH) + ")")
                .returns(Types.STRING)
                .print();
        out.failures().printToErr();
        env.execute("classify text lines");
    }

    /** The job without its sinks: {@code lines} rendered lines in, the classifier's answers out. */
    public static InferenceStreams<InferenceResult> classify(StreamExecutionEnvironment env, URI store, int lines) {
        DataStream<InferenceRequest> requests = env.fromData(TypeInformation.of(InferenceRequest.class),
                requests(lines).toArray(new InferenceRequest[0]));
        return Inference.builder()
                .modelStore(store)
                .model(PaddleOcrModels.CLASSIFIER) // the latest version, pinned here, when the job is built
                .maxBatchSize(8)
                .maxQueueDelay(Duration.ofMillis(5))
                .build()
                .apply(requests);
    }

    /** Lines rendered from a fixed seed, as a camera would send them: PNG bytes, with the truth alongside. */
    static List<InferenceRequest> requests(int lines) {
        List<InferenceRequest> requests = new ArrayList<>();
        List<TextLineImages.Sample> samples = new TextLineImages(42).samples(lines);
        for (int i = 0; i < samples.size(); i++) {
            TextLineImages.Sample sample = samples.get(i);
            requests.add(InferenceRequest.image("line-" + i, sample.png(), System.currentTimeMillis())
                    .withMetadata(java.util.Map.of(TRUTH, sample.orientationLabel())));
        }
        return requests;
    }
}
