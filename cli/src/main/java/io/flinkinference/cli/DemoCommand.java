package io.flinkinference.cli;

import io.flinkinference.jobs.LocalEnvironments;
import io.flinkinference.jobs.StreamingInferenceJob;

import io.flinkinference.avro.ImageEncoding;
import io.flinkinference.avro.InferenceResult;
import io.flinkinference.jobs.cli.DurationConverter;
import io.flinkinference.jobs.cli.OcrStageOptions;
import io.flinkinference.jobs.cli.Pipeline;
import io.flinkinference.samples.EmbeddedKafka;
import io.flinkinference.samples.Pacer;
import io.flinkinference.jobs.kafka.ImageProducer;
import io.flinkinference.jobs.kafka.OutputReader;
import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.jobs.cli.StoreOption;
import io.flinkinference.samples.models.PaddleOcrModels;
import io.flinkinference.operators.InferenceOptions;
import io.flinkinference.samples.TextLineImages;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The embedded default, everything real on this machine: a Kafka broker (KRaft, loopback), a
 * Flink MiniCluster running the streaming job, ONNX Runtime on the CPU (or TensorRT on a GPU, with
 * {@code --engine tensorrt}) and the PaddleOCR orientation classifier. Text lines are rendered (some upside down, a few corrupt), streamed
 * through Kafka, classified, and checked against the known answers.
 */
@Command(
        name = "demo",
        description = {
            "Run the streaming job on this machine with nothing to install: start a Kafka broker and a "
                    + "Flink MiniCluster, fetch the orientation classifier (once), stream rendered text lines "
                    + "(some upside down, a few corrupt) through Kafka and the job, and show live progress.",
            "The last line is machine-readable: summary: records=N results=N dead_letters=N accuracy=P%% "
                    + "throughput=R/s p50_ms=X p99_ms=Y. Exit status 0 when every record came back as a "
                    + "result or a dead letter.",
            "With --pipeline ocr it runs the OCR job instead (text detection, line orientation, recognition: "
                    + "ppocr-det, ppocr-cls, ppocr-rec) on rendered document pages of known text (lines of random words "
                    + "at random places and sizes, some upside down; every --corrupt-every-th a truncated JPEG or random "
                    + "bytes) and ends with the character error rate: summary: images=N results=N dead_letters=N cer=P%% "
                    + "throughput=R/s p50_ms=X p99_ms=Y."
        },
        mixinStandardHelpOptions = true,
        footer = {"", "Examples:", "  flink-inference demo", "  flink-inference demo --records 2000 --rate 0 --parallelism 2",
            "  flink-inference demo --duration 60s --rate 100",
            "  flink-inference demo --pipeline ocr --records 30 --seed 7"})
final class DemoCommand implements java.util.concurrent.Callable<Integer> {
    private static final String INPUT = "images";
    private static final String OUTPUT = "results";
    private static final String DEAD_LETTERS = "dead-letters";
    private static final String WARM_UP_ID = "warm-up";
    /** Distinct images rendered before streaming; longer streams reuse them under new ids. */
    private static final int SAMPLE_POOL = 500;

    @Mixin
    StoreOption store;

    @Option(names = "--pipeline", paramLabel = "PIPELINE", defaultValue = "classify", converter = Pipeline.Converter.class,
            description = "classify: the orientation classifier on text lines; ocr: the OCR job on document pages "
                    + "(default ${DEFAULT-VALUE}).")
    Pipeline pipeline;

    @Option(names = "--records", paramLabel = "N", description = "Images to send (default 400; 40 with --pipeline ocr); ignored with --duration.")
    Integer records;

    @Option(names = "--rate", paramLabel = "N", description = "Images per second to send; 0 sends as fast as possible (default 100; "
            + "3 with --pipeline ocr).")
    Integer rate;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class, description = "Send for this long instead of --records, e.g. 30s or 2m (needs --rate > 0).")
    Duration duration;

    @Option(names = "--corrupt-every", paramLabel = "N", description = "Every Nth record is corrupt and must land on the "
            + "dead-letter topic; 0 for none (default 50; 10 with --pipeline ocr).")
    Integer corruptEvery;

    @Option(names = "--parallelism", paramLabel = "N", defaultValue = "1", description = "Parallelism of the job (default ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--max-batch-size", paramLabel = "N", defaultValue = "32", description = "inference.batch.max-size (default "
            + "${DEFAULT-VALUE}); --pipeline ocr sets each stage's with the three options below.")
    int maxBatchSize;

    @Mixin
    OcrStageOptions ocrStages;

    @Option(names = "--max-queue-delay", paramLabel = "DURATION", defaultValue = "5ms", converter = DurationConverter.class,
            description = "inference.batch.max-queue-delay, e.g. 500us or 5ms (default ${DEFAULT-VALUE}).")
    Duration maxQueueDelay;

    @Option(names = "--engine", paramLabel = "NAME", defaultValue = "onnxruntime",
            description = "inference.engine: onnxruntime (CPU) or tensorrt (GPU; needs a plan: flink-inference setup tensorrt "
                    + "ppocr-cls) (default ${DEFAULT-VALUE}).")
    String engine;

    @Option(names = "--seed", paramLabel = "N", description = "Seed for the generated images (default: new each run).")
    Long seed;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        boolean ocr = pipeline == Pipeline.OCR;
        int records = this.records != null ? this.records : ocr ? 40 : 400;
        int rate = this.rate != null ? this.rate : ocr ? 3 : 100;
        int corruptEvery = this.corruptEvery != null ? this.corruptEvery : ocr ? 10 : 50;
        if (!ocr && ocrStages.anyGiven()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--det-max-batch-size, --cls-max-batch-size and --rec-max-batch-size are for --pipeline ocr.");
        }
        PrintWriter out = spec.commandLine().getOut();
        int total = duration != null && rate > 0 ? (int) Math.min(Integer.MAX_VALUE, duration.toSeconds() * rate) : records;
        if (total < 1) {
            throw new IllegalArgumentException("Nothing to send: --records must be positive (or --duration with --rate > 0).");
        }
        if (ocr) {
            return new OcrDemo(new OcrDemo.Settings(total, rate, corruptEvery, parallelism, maxQueueDelay, engine,
                    seed != null ? seed : System.nanoTime(), ocrStages.over(new Configuration())), out).run(store.open());
        }
        // The classify demo's producer reads these fields: give them the values this pipeline's defaults resolved to.
        this.rate = rate;
        this.corruptEvery = corruptEvery;
        long started = System.nanoTime();

        ModelStore opened = store.open();
        out.println("[1/4] Model store " + opened.root());
        PaddleOcrModels.fetchInto(opened, line -> out.println("      " + line));
        ModelVersion model = opened.resolve(ModelRef.latest(PaddleOcrModels.CLASSIFIER));
        model.verifyOrThrow();
        out.println("      " + model.ref() + " verified (" + model.manifest().files().size() + " files, sha256)");

        out.println("[2/4] Starting a Kafka broker (KRaft, loopback) ...");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(Math.max(2, parallelism), INPUT, OUTPUT, DEAD_LETTERS);
            out.println("      " + kafka.bootstrapServers() + ", topics " + INPUT + ", " + OUTPUT + ", " + DEAD_LETTERS);

            out.println("[3/4] Starting the streaming job on a local Flink MiniCluster (parallelism " + parallelism + ") ...");
            StreamingInferenceJob.Settings settings = settings(kafka, opened);
            StreamingInferenceJob.preflight(settings);
            StreamExecutionEnvironment env = LocalEnvironments.create(parallelism);
            StreamingInferenceJob.build(env, settings);
            JobClient job = env.executeAsync("flink-inference demo");
            out.println("      job " + job.getJobID());

            List<TextLineImages.Sample> samples = new TextLineImages(seed != null ? seed : System.nanoTime())
                    .samples(Math.min(total, SAMPLE_POOL));
            Progress progress = new Progress(total);
            try (OutputReader reader = new OutputReader(kafka.bootstrapServers(), OUTPUT, DEAD_LETTERS, new Properties())) {
                awaitFirstAnswer(kafka.bootstrapServers(), reader, samples.get(0), out);

                out.println("[4/4] Streaming " + total + " images" + (rate > 0 ? " at " + rate + "/s" : "") + " ...");
                AtomicInteger sent = new AtomicInteger();
                AtomicReference<Throwable> producerError = new AtomicReference<>();
                Thread producer = new Thread(() -> produce(kafka.bootstrapServers(), samples, total, sent, producerError), "demo-producer");
                producer.setDaemon(true);
                producer.start();

                long patience = Math.max(60, total / Math.max(1, rate == 0 ? 100 : rate) * 3L);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(patience) + (duration == null ? 0 : duration.toNanos());
                long nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                while (progress.done() < total && System.nanoTime() < deadline && producerError.get() == null) {
                    progress.add(reader.poll(Duration.ofMillis(200)), System.currentTimeMillis());
                    if (System.nanoTime() >= nextReport) {
                        out.println("      " + progress.line(sent.get(), started));
                        out.flush();
                        nextReport += TimeUnit.SECONDS.toNanos(1);
                    }
                }
                job.cancel().get(30, TimeUnit.SECONDS);
                if (producerError.get() != null) {
                    throw new IllegalStateException("Sending images failed: " + producerError.get().getMessage(), producerError.get());
                }
                out.println("      " + progress.line(sent.get(), started));
            }
            out.println();
            progress.summary(out);
            if (progress.done() < total) {
                out.println("Not every record came back within the time allowed; see the log above.");
            }
            return progress.done() == total ? 0 : 1;
        }
    }

    /**
     * Sends one record and waits for its result, so that start-up (deploying the job, loading the
     * model) is over before the measured stream begins. The warm-up result is not counted.
     */
    private static void awaitFirstAnswer(String bootstrap, OutputReader reader, TextLineImages.Sample sample, PrintWriter out)
            throws IOException {
        out.println("      waiting for the job to answer a first (warm-up) record ...");
        try (ImageProducer producer = new ImageProducer(bootstrap, INPUT, new Properties())) {
            producer.send(ImageProducer.image(WARM_UP_ID, sample.png(), ImageEncoding.PNG, Map.of()));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (reader.poll(Duration.ofMillis(200)).results().stream().anyMatch(r -> r.getId().equals(WARM_UP_ID))) {
                return;
            }
        }
        throw new IllegalStateException("The job gave no result for a first record within 120 s; see the log above.");
    }

    private StreamingInferenceJob.Settings settings(EmbeddedKafka kafka, ModelStore opened) {
        Configuration inference = new Configuration();
        inference.set(InferenceOptions.MODEL, PaddleOcrModels.CLASSIFIER);
        inference.set(InferenceOptions.MODEL_STORE, opened.root().toString());
        inference.set(InferenceOptions.ENGINE, engine);
        inference.set(InferenceOptions.MAX_BATCH_SIZE, maxBatchSize);
        inference.set(InferenceOptions.MAX_QUEUE_DELAY, maxQueueDelay);
        return new StreamingInferenceJob.Settings(kafka.bootstrapServers(), INPUT, OUTPUT, DEAD_LETTERS, "flink-inference-demo",
                inference, new Properties(), DeliveryGuarantee.AT_LEAST_ONCE, Duration.ofSeconds(5), parallelism, false);
    }

    /** Renders and sends the images; every {@code corruptEvery}-th one is broken on purpose. */
    private void produce(String bootstrap, List<TextLineImages.Sample> samples, int total, AtomicInteger sent,
            AtomicReference<Throwable> error) {
        List<byte[]> pngs = samples.stream().map(TextLineImages.Sample::png).toList();
        Pacer pacer = new Pacer(rate);
        try (ImageProducer producer = new ImageProducer(bootstrap, INPUT, new Properties())) {
            for (int i = 0; i < total; i++) {
                TextLineImages.Sample sample = samples.get(i % samples.size());
                byte[] png = pngs.get(i % samples.size());
                String id = "line-" + i;
                if (corruptEvery > 0 && i % corruptEvery == corruptEvery - 1) {
                    // Alternately a PNG cut in half and a JPEG cut at 60%, which ImageIO alone would decode with a grey bottom.
                    boolean jpeg = (i / corruptEvery) % 2 == 1;
                    producer.send(jpeg
                            ? ImageProducer.image(id, truncatedJpeg(sample), ImageEncoding.JPEG, Map.of())
                            : ImageProducer.image(id, Arrays.copyOf(png, png.length / 2), ImageEncoding.PNG, Map.of()));
                } else {
                    producer.send(ImageProducer.image(id, png, ImageEncoding.PNG, Map.of("truth", sample.orientationLabel())));
                }
                sent.incrementAndGet();
                pacer.awaitNext();
            }
            producer.flush();
        } catch (Throwable t) {
            error.set(t);
        }
    }

    /** The sample as a JPEG, cut off at 60% of its bytes. */
    static byte[] truncatedJpeg(TextLineImages.Sample sample) throws IOException {
        java.awt.image.BufferedImage rgb = new java.awt.image.BufferedImage(sample.image().getWidth(), sample.image().getHeight(),
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        rgb.createGraphics().drawImage(sample.image(), 0, 0, null);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(rgb, "jpg", out);
        byte[] jpeg = out.toByteArray();
        return Arrays.copyOf(jpeg, jpeg.length * 6 / 10);
    }

    /** What has come back so far, and the figures the demo reports. */
    private static final class Progress {
        private final int total;
        private final LatencySamples latencies = new LatencySamples();
        private int results;
        private int deadLetters;
        private int labelled;
        private int correct;
        private long batchSizes;
        private final ArrivalWindow window = new ArrivalWindow();

        Progress(int total) {
            this.total = total;
        }

        void add(OutputReader.Batch batch, long nowMillis) {
            for (InferenceResult result : batch.results()) {
                if (result.getId().equals(WARM_UP_ID)) {
                    continue;
                }
                results++;
                latencies.add(nowMillis - result.getEventTimeMillis().toEpochMilli());
                batchSizes += result.getTimings().getBatchSize();
                String truth = result.getHeaders().get("truth");
                if (truth != null) {
                    labelled++;
                    correct += truth.equals(result.getLabels().get(0).getLabel()) ? 1 : 0;
                }
            }
            deadLetters += batch.deadLetters().size();
            if (batch.results().stream().anyMatch(r -> !r.getId().equals(WARM_UP_ID)) || !batch.deadLetters().isEmpty()) {
                window.arrived(nowMillis);
            }
        }

        int done() {
            return results + deadLetters;
        }

        double throughput() {
            return window.perSecond(done());
        }

        long percentile(double p) {
            return latencies.percentile(p);
        }

        String line(int sent, long startedNanos) {
            return String.format("%5.1fs  sent %d/%d  results %d  dead letters %d  |  %.0f rec/s  mean batch %.1f  p50 %d ms  p99 %d ms",
                    (System.nanoTime() - startedNanos) / 1e9, sent, total, results, deadLetters, throughput(),
                    results == 0 ? 0.0 : (double) batchSizes / results, percentile(0.5), percentile(0.99));
        }

        void summary(PrintWriter out) {
            double accuracy = labelled == 0 ? 0 : 100.0 * correct / labelled;
            out.printf("Records sent:      %d%n", total);
            out.printf("Results:           %d (orientation right for %d of %d labelled: %.1f%%)%n", results, correct, labelled, accuracy);
            out.printf("Dead letters:      %d (corrupt images: truncated PNGs and JPEGs, with topic, partition and offset)%n", deadLetters);
            out.printf("Throughput:        %.0f records/s, mean batch %.1f%n", throughput(),
                    results == 0 ? 0.0 : (double) batchSizes / results);
            out.printf("Latency (Kafka in to Kafka out): p50 %d ms, p99 %d ms%n", percentile(0.5), percentile(0.99));
            out.printf("summary: records=%d results=%d dead_letters=%d accuracy=%.1f%% throughput=%.0f/s p50_ms=%d p99_ms=%d%n",
                    total, results, deadLetters, accuracy, throughput(), percentile(0.5), percentile(0.99));
        }
    }
}
