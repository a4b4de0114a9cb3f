package io.flinkinference.benchmarks;

import io.flinkinference.avro.ImageEncoding;
import io.flinkinference.avro.OcrResult;
import io.flinkinference.jobs.StreamingInferenceJob;
import io.flinkinference.jobs.kafka.AvroMessages;
import io.flinkinference.jobs.kafka.ImageProducer;
import io.flinkinference.jobs.ocr.OcrJob;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.operators.InferenceOptions;
import io.flinkinference.operators.InferenceRequest;
import io.flinkinference.samples.EmbeddedKafka;
import io.flinkinference.samples.DocumentPages;
import io.flinkinference.samples.models.PaddleOcrModels;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Issue 12's figures: the OCR job end to end (Kafka -> detection -> orientation -> recognition ->
 * Kafka) on a fixed seeded set of rendered pages, images/s and lines/s in steady state, and the time
 * of each stage's steps (preprocessing, stacking, engine, postprocessing) from the job's own
 * metrics ({@code timeNanos.*}); then, side by side in the same round, the three raw engines called
 * directly through the SPI on the same pages and crops at the batch sizes the job formed
 * ({@link RawOcrStages}), so that the job's overhead per stage shows. Rounds interleave the two.
 *
 * <p>Run: {@code benchmarks/run.sh OcrBenchmark [pages] [rounds] [parallelism]}.
 */
public final class OcrBenchmark {
    private static final long SEED = 12;
    private static final String[] STAGES = {PaddleOcrModels.DETECTOR, PaddleOcrModels.CLASSIFIER, PaddleOcrModels.RECOGNIZER};
    private static final String[] STEPS = {"preprocess", "stack", "engine", "postprocess"};

    private OcrBenchmark() {}

    /** One stage of one job run: its records, the nanoseconds per record of each step, its mean batch. */
    record JobStage(long records, double[] nanosPerRecord, double meanBatch) {
        double totalNanos() {
            double sum = 0;
            for (double step : nanosPerRecord) {
                sum += step * records;
            }
            return sum;
        }
    }

    /** One round: the job end to end, and the raw engines at its batch sizes. */
    record Round(double imagesPerSecond, double linesPerSecond, JobStage[] job, RawOcrStages.Figures[] raw) {
        /**
         * Pages per second of the raw stages one after another on one thread: each stage's
         * preprocessing and engine time over its records, no postprocessing (an upper bound for one thread).
         */
        double rawImagesPerSecond() {
            double nanos = 0;
            for (RawOcrStages.Figures stage : raw) {
                nanos += (stage.preprocessNanos() + stage.engineNanos()) * stage.records();
            }
            return raw[0].records() / (nanos / 1e9);
        }
    }

    public static void main(String[] args) throws Exception {
        int pageCount = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int parallelism = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        ModelStore store = ModelStore.open(ModelStore.defaultRoot());
        PaddleOcrModels.fetchInto(store, line -> { });
        Random seeds = new Random(SEED);
        List<byte[]> pages = new ArrayList<>(); // encoded once: PNG encoding is not what a round measures
        List<InferenceRequest> requests = new ArrayList<>();
        for (int i = 0; i < pageCount; i++) {
            byte[] png = DocumentPages.page(seeds.nextLong()).png();
            pages.add(png);
            requests.add(InferenceRequest.image("page-" + i, png, 0));
        }
        List<Round> results = new ArrayList<>();
        try (EmbeddedKafka broker = EmbeddedKafka.start(); RawOcrStages raw = new RawOcrStages(store, requests)) {
            System.out.printf("%d pages, %d lines found by the detector%n", pageCount, raw.lines());
            for (int round = 0; round < rounds; round++) {
                Round measured = round(broker, store, pages, parallelism, round, raw);
                results.add(measured);
                System.out.printf("round %d: %.2f images/s, %.1f lines/s; engine per record job/raw: det %.2f, cls %.2f, rec %.2f%n",
                        round + 1, measured.imagesPerSecond(), measured.linesPerSecond(),
                        engineRatio(measured, 0), engineRatio(measured, 1), engineRatio(measured, 2));
            }
        }
        String report = OcrBenchmarkReport.markdown(results, pageCount, rounds, parallelism, STAGES, STEPS);
        System.out.println(report);
        Path out = Path.of("benchmarks/target/results/ocr.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, "# OCR benchmark, " + Instant.now() + ", " + Runtime.getRuntime().availableProcessors()
                + " cores\n\n" + report);
    }

    static double engineRatio(Round round, int stage) {
        return round.job()[stage].nanosPerRecord()[2] / round.raw()[stage].engineNanos();
    }

    private static Round round(EmbeddedKafka broker, ModelStore store, List<byte[]> pages, int parallelism, int round,
            RawOcrStages raw) throws Exception {
        String in = "ocr-bench-images-" + round;
        String out = "ocr-bench-results-" + round;
        broker.createTopics(1, in, out, "ocr-bench-dead-" + round);
        try (ImageProducer producer = new ImageProducer(broker.bootstrapServers(), in, new Properties())) {
            for (int i = 0; i < pages.size(); i++) {
                producer.send(ImageProducer.image("page-" + i, pages.get(i), ImageEncoding.PNG, Map.of()));
            }
            producer.flush();
        }
        Configuration inference = new Configuration();
        inference.set(InferenceOptions.MODEL_STORE, store.root().toString());
        StreamingInferenceJob.Settings io = new StreamingInferenceJob.Settings(broker.bootstrapServers(), in, out,
                "ocr-bench-dead-" + round, "ocr-bench-" + round, inference, new Properties(), DeliveryGuarantee.AT_LEAST_ONCE,
                Duration.ofSeconds(10), parallelism, true);
        Configuration cluster = new Configuration();
        cluster.setString("metrics.reporter.bench.factory.class", JobMetricsReporter.Factory.class.getName());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, cluster);
        OcrJob.build(env, OcrJob.Settings.paddleOcr(io));
        JobMetricsReporter.clear();
        JobClient job = env.executeAsync("ocr benchmark");
        SteadyState steady = readResults(broker.bootstrapServers(), out, pages.size());
        job.getJobExecutionResult().get(2, TimeUnit.MINUTES);

        JobStage[] stages = new JobStage[STAGES.length];
        RawOcrStages.Figures[] rawFigures = new RawOcrStages.Figures[STAGES.length];
        for (int s = 0; s < STAGES.length; s++) {
            long records = JobMetricsReporter.counterSum(STAGES[s], "records");
            double[] perRecord = new double[STEPS.length];
            for (int step = 0; step < STEPS.length; step++) {
                perRecord[step] = (double) JobMetricsReporter.counterSum(STAGES[s], "timeNanos." + STEPS[step]) / records;
            }
            stages[s] = new JobStage(records, perRecord, JobMetricsReporter.histogramMean(STAGES[s], "batchSize"));
            int batch = (int) Math.max(1, Math.round(stages[s].meanBatch()));
            rawFigures[s] = s == 0 ? raw.detection(batch) : s == 1 ? raw.orientation(batch) : raw.recognition(batch);
        }
        return new Round(steady.imagesPerSecond(), steady.linesPerSecond(), stages, rawFigures);
    }

    /** Images and lines per second from the result that made 10% of the pages to the last (start-up left out). */
    private record SteadyState(double imagesPerSecond, double linesPerSecond) {}

    private static SteadyState readResults(String bootstrap, String topic, int expected) throws Exception {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "ocr-bench-reader-" + topic);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        AvroMessages<OcrResult> messages = new AvroMessages<>(OcrResult.getClassSchema());
        int warmUp = Math.max(1, expected / 10);
        int images = 0;
        long lines = 0;
        long steadyStart = 0;
        long last = 0;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (images < expected) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Only " + images + " of " + expected + " results within 5 minutes");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    OcrResult result = messages.decode(record.value(), record.headers().lastHeader(AvroMessages.SCHEMA_HEADER).value());
                    images++;
                    last = System.nanoTime();
                    if (images == warmUp) {
                        steadyStart = last;
                    } else if (images > warmUp) {
                        lines += result.getLines().size();
                    }
                }
            }
        }
        double seconds = (last - steadyStart) / 1e9;
        return new SteadyState((expected - warmUp) / seconds, lines / seconds);
    }
}
