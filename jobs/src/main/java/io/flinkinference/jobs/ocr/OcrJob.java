package io.flinkinference.jobs.ocr;

import io.flinkinference.jobs.BoundedRestarts;
import io.flinkinference.jobs.StreamingInferenceJob;
import io.flinkinference.jobs.kafka.RouteUnreadable;
import io.flinkinference.operators.Inference;
import io.flinkinference.operators.InferenceFailure;
import io.flinkinference.operators.InferenceOptions;
import io.flinkinference.operators.InferenceRequest;
import io.flinkinference.operators.InferenceStreams;
import io.flinkinference.operators.ocr.DetectedPage;
import io.flinkinference.operators.ocr.DetectionResize;
import io.flinkinference.operators.ocr.ImageText;
import io.flinkinference.operators.ocr.LineCrop;
import io.flinkinference.operators.ocr.LineFailures;
import io.flinkinference.operators.ocr.DetectionTranslator;
import io.flinkinference.operators.ocr.OrientationTranslator;
import io.flinkinference.operators.ocr.RecognitionTranslator;
import io.flinkinference.operators.ocr.RecognizedLine;
import io.flinkinference.operators.translate.InferenceTranslator;
import io.flinkinference.modelstore.ModelStoreException.ModelNotFoundException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The OCR job (issue 12): Kafka (Avro {@code ImageRecord}) -> text detection and DB
 * post-processing, each box cut out upright -> one record per line -> orientation (upside-down
 * lines turned around) -> recognition in width buckets, CTC decoding -> the lines of each image
 * gathered in keyed state -> Kafka (Avro {@code OcrResult}, one per image). Images that cannot be
 * read go to the dead-letter topic with their stage and reason, as in {@link StreamingInferenceJob};
 * a line that fails goes there too, and its image is still written, that line without text.
 *
 * <p>Each model runs in its own batching function with its own settings: the three share the
 * {@code inference.*} settings given (store, engine, queue delay, ...), and each stage's
 * {@link Stage} overrides the model and the batch size ({@link OcrOptions}: {@code ocr.<stage>.*}).
 */
public final class OcrJob {
    /** The fan-in's operator name, which tests look its checkpointed state up by. */
    static final String COLLECT_LINES = "collect the lines of each image";

    private OcrJob() {}

    /**
     * @param io Kafka, delivery, checkpoints and parallelism, and the {@code inference.*} settings the
     *     three models share ({@code inference.model} is ignored: each stage names its own)
     */
    public record Settings(StreamingInferenceJob.Settings io, Stage detection, Stage orientation, Stage recognition) {

        /** The three PaddleOCR models of the model store with batch sizes that suit them on a CPU ({@link OcrOptions}' defaults). */
        public static Settings paddleOcr(StreamingInferenceJob.Settings io) {
            return OcrOptions.settings(io, new Configuration());
        }

        public List<Stage> stages() {
            return List.of(detection, orientation, recognition);
        }

        /** The models in words, for messages and the job's name. */
        public String describe() {
            return "OCR (" + stages().stream().map(Stage::model).collect(Collectors.joining(", ")) + ")";
        }
    }

    /** One model of the pipeline and the largest batch it is given. */
    public record Stage(String model, int maxBatchSize) {}

    /**
     * Fails fast, before anything is submitted: every stage's model is in the store and its files
     * hash as its manifest says ({@link StreamingInferenceJob#requireVerifiedModel}), the brokers
     * answer and the topics exist. A model that is not there names the command that fetches the
     * bundled ones.
     */
    public static void preflight(Settings settings) {
        requireModels(settings.io().inference(), settings.stages());
        StreamingInferenceJob.requireKafka(settings.io());
    }

    /**
     * The models part of {@link #preflight}, on its own for callers that check the models before
     * they have a broker to check: {@code stages}' models, in the store of {@code inference}.
     */
    public static void requireModels(ReadableConfig inference, List<Stage> stages) {
        for (Stage stage : stages) {
            try {
                StreamingInferenceJob.requireVerifiedModel(inference, stage.model());
            } catch (ModelNotFoundException e) {
                throw new ModelNotFoundException("The OCR pipeline needs " + stages.stream().map(Stage::model)
                        .collect(Collectors.joining(", ")) + ". " + e.getMessage()
                        + " For the bundled PaddleOCR models run: flink-inference models fetch");
            }
        }
    }

    /** For a job that runs on this machine: the engine can run every stage's model here. */
    public static void preflightLocalEngine(Settings settings) {
        for (Stage stage : settings.stages()) {
            StreamingInferenceJob.preflightLocalEngine(settings.io(), stage.model());
        }
    }

    /** Adds the job's operators to {@code env}, and a bounded restart strategy unless its configuration sets one. */
    public static void build(StreamExecutionEnvironment env, Settings settings) {
        StreamingInferenceJob.Settings io = settings.io();
        env.setParallelism(io.parallelism());
        env.enableCheckpointing(io.checkpointInterval().toMillis());
        BoundedRestarts.applyUnlessConfigured(env);

        SingleOutputStreamOperator<InferenceRequest> images = StreamingInferenceJob.readImages(env, io);
        long maxPixels = io.inference().get(InferenceOptions.MAX_IMAGE_PIXELS);
        InferenceStreams<DetectedPage> pages = stage(settings.detection(), io,
                new DetectionTranslator(maxPixels, DetectionResize.DEFAULT_MAX_SIDE)).apply(images);
        SingleOutputStreamOperator<LineCrop> crops = pages.results()
                .process(new SplitIntoLines(), TypeInformation.of(LineCrop.class))
                .name("split pages into lines").uid("ocr-split-lines");
        InferenceStreams<LineCrop> upright = stage(settings.orientation(), io, new OrientationTranslator()).apply(crops);
        InferenceStreams<RecognizedLine> read = stage(settings.recognition(), io, new RecognitionTranslator()).apply(upright.results());

        DataStream<InferenceFailure> lineFailures = upright.failures().union(read.failures());
        DataStream<RecognizedLine> unreadLines = lineFailures
                .map(LineFailures::unreadLine, TypeInformation.of(RecognizedLine.class))
                .name("failed lines as lines without text").uid("ocr-unread-lines");
        DataStream<ImageText> texts = read.results().union(unreadLines)
                .keyBy(RecognizedLine::imageId, TypeInformation.of(String.class))
                .process(new CollectLines(), TypeInformation.of(ImageText.class))
                .name(COLLECT_LINES).uid("ocr-collect-lines")
                .union(crops.getSideOutput(SplitIntoLines.TEXTLESS));

        texts.sinkTo(StreamingInferenceJob.sink(io, new OcrResultSerializer(io.outputTopic()), "ocr-results"))
                .name("kafka " + io.outputTopic()).uid("kafka-ocr-results");
        StreamingInferenceJob.sinkDeadLetters(pages.failures().union(lineFailures, images.getSideOutput(RouteUnreadable.UNREADABLE)), io);
    }

    /** The batching function of one stage: the shared settings with the stage's model, batch size and uid. */
    private static <IN, OUT> Inference<IN, OUT> stage(Stage stage, StreamingInferenceJob.Settings io,
            InferenceTranslator<IN, OUT> translator) {
        Configuration config = new Configuration(io.inference());
        config.set(InferenceOptions.MODEL, stage.model());
        config.set(InferenceOptions.MAX_BATCH_SIZE, stage.maxBatchSize());
        config.removeConfig(InferenceOptions.UID); // each stage's own default, inference-<model>
        return Inference.builder(translator).configure(config).build();
    }
}
