package io.flinkinference.benchmarks.gpu;

import io.flinkinference.avro.ImageEncoding;
import io.flinkinference.avro.InferenceResult;
import io.flinkinference.jobs.LocalEnvironments;
import io.flinkinference.jobs.StreamingInferenceJob;
import io.flinkinference.jobs.kafka.ImageProducer;
import io.flinkinference.jobs.kafka.OutputReader;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.operators.InferenceOptions;
import io.flinkinference.samples.EmbeddedKafka;
import io.flinkinference.samples.ImageFiles;
import io.flinkinference.samples.TextLineImages;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Do the TensorRT job and the ONNX Runtime job give the same labels for the same Kafka records?
 * Writes the records to a topic once, then runs the streaming job over them (bounded, so it ends
 * at the topic's end) with {@code --engine tensorrt} and a plan (nvJPEG, the resize kernel, the
 * plan) and again with {@code --engine onnxruntime} and the plan's ONNX parent (ImageIO, the Java
 * resize, ONNX Runtime on the CPU), and compares top-1 record by record. Every record must come
 * back from both jobs, as a result or a dead letter; the exit status is 1 when one did not.
 *
 * <p>Inputs: a folder of JPEGs, or {@code text-lines}: seeded rendered text lines, half of them
 * upside down, JPEG-encoded, whose true orientation is known, so that the orientation classifier's
 * accuracy is reported beside the agreement.
 *
 * <p>Run: {@code GpuAgreementCheck STORE JPEG_DIR|text-lines COUNT PARALLELISM PLAN=ONNX_MODEL...}.
 */
public final class GpuAgreementCheck {
    private GpuAgreementCheck() {}

    public static void main(String[] args) throws Exception {
        ModelStore store = ModelStore.open(Path.of(args[0]).toUri());
        int count = Integer.parseInt(args[2]);
        int parallelism = Integer.parseInt(args[3]);
        Map<String, byte[]> images = new LinkedHashMap<>();
        Map<String, String> truth = new HashMap<>();
        if (args[1].equals("text-lines")) {
            List<TextLineImages.Sample> samples = new TextLineImages(11).samples(count);
            for (int i = 0; i < count; i++) {
                images.put("line-" + i, ImageFiles.jpeg(samples.get(i).image(), 0.9f, false));
                truth.put("line-" + i, samples.get(i).orientationLabel());
            }
        } else {
            List<byte[]> jpegs = Jpegs.read(Path.of(args[1]));
            for (int i = 0; i < count; i++) {
                images.put("img-" + i, jpegs.get(i % jpegs.size()));
            }
        }
        boolean complete = true;
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(parallelism, "images");
            try (ImageProducer producer = new ImageProducer(kafka.bootstrapServers(), "images", new Properties())) {
                images.forEach((id, jpeg) -> producer.send(ImageProducer.image(id, jpeg, ImageEncoding.JPEG, Map.of())));
                producer.flush();
            }
            System.out.printf("%d records (%s), parallelism %d%n", images.size(), args[1], parallelism);
            System.out.println("| plan (tensorrt) | reference (onnxruntime) | records | results trt / ort | dead letters trt / ort "
                    + "| lost | top-1 agreement | accuracy trt / ort |");
            System.out.println("| --- | --- | ---: | --- | --- | ---: | ---: | --- |");
            // A reference serves every plan compared with it: its job runs once.
            Map<String, Outcome> references = new HashMap<>();
            for (int i = 4; i < args.length; i++) {
                String[] pair = args[i].split("=", 2);
                Outcome trt = run(kafka, store, pair[0], "tensorrt", parallelism, images.size());
                Outcome ort = references.get(pair[1]);
                if (ort == null) {
                    ort = run(kafka, store, pair[1], "onnxruntime", parallelism, images.size());
                    references.put(pair[1], ort);
                }
                Map<String, String> reference = ort.labels;
                long agree = trt.labels.entrySet().stream().filter(e -> e.getValue().equals(reference.get(e.getKey()))).count();
                long compared = trt.labels.keySet().stream().filter(reference::containsKey).count();
                long lost = 2L * images.size() - trt.returned() - ort.returned();
                complete &= lost == 0;
                System.out.printf("| %s | %s | %d | %d / %d | %d / %d | %d | %.2f%% (%d of %d) | %s / %s |%n", pair[0], pair[1],
                        images.size(), trt.labels.size(), ort.labels.size(), trt.deadLetters, ort.deadLetters, lost,
                        100.0 * agree / Math.max(1, compared), agree, compared, accuracy(trt, truth), accuracy(ort, truth));
                System.out.flush();
            }
        }
        System.exit(complete ? 0 : 1);
    }

    private static String accuracy(Outcome outcome, Map<String, String> truth) {
        if (truth.isEmpty()) {
            return "-";
        }
        long right = outcome.labels.entrySet().stream().filter(e -> e.getValue().equals(truth.get(e.getKey()))).count();
        return String.format("%.2f%%", 100.0 * right / Math.max(1, outcome.labels.size()));
    }

    /** Runs the bounded job over the topic with one engine and model, and reads every id's top-1 label. */
    private static Outcome run(EmbeddedKafka kafka, ModelStore store, String model, String engine, int parallelism,
            int expected) throws Exception {
        String name = engine + "-" + model;
        kafka.createTopics(parallelism, "results-" + name, "dead-" + name);
        Configuration inference = new Configuration();
        inference.set(InferenceOptions.MODEL, model);
        inference.set(InferenceOptions.MODEL_STORE, store.root().toString());
        inference.set(InferenceOptions.ENGINE, engine);
        // 32: the most that plans built with setup tensorrt's defaults take.
        inference.set(InferenceOptions.MAX_BATCH_SIZE, 32);
        StreamingInferenceJob.Settings settings = new StreamingInferenceJob.Settings(kafka.bootstrapServers(), "images",
                "results-" + name, "dead-" + name, "agreement-" + name, inference, new Properties(),
                DeliveryGuarantee.AT_LEAST_ONCE, Duration.ofSeconds(10), parallelism, true);
        StreamExecutionEnvironment env = LocalEnvironments.create(parallelism);
        StreamingInferenceJob.build(env, settings);
        long start = System.nanoTime();
        env.execute("agreement " + name);
        double seconds = (System.nanoTime() - start) / 1e9;
        Outcome outcome = new Outcome();
        try (OutputReader reader = new OutputReader(kafka.bootstrapServers(), "results-" + name, "dead-" + name, new Properties())) {
            long quietSince = System.nanoTime();
            while (outcome.returned() < expected && System.nanoTime() - quietSince < 30_000_000_000L) {
                OutputReader.Batch batch = reader.poll(Duration.ofMillis(200));
                for (InferenceResult result : batch.results()) {
                    // Top-1 label for classifiers, the decoded text for a recognizer.
                    outcome.labels.put(result.getId(), result.getLabels().isEmpty() ? String.valueOf(result.getText())
                            : result.getLabels().get(0).getLabel());
                }
                outcome.deadLetters += batch.deadLetters().size();
                if (!batch.results().isEmpty() || !batch.deadLetters().isEmpty()) {
                    quietSince = System.nanoTime();
                }
            }
        }
        System.out.printf("  %s on %s: %d results, %d dead letters, job %.1f s%n", model, engine, outcome.labels.size(),
                outcome.deadLetters, seconds);
        return outcome;
    }

    private static final class Outcome {
        final Map<String, String> labels = new HashMap<>();
        long deadLetters;

        long returned() {
            return labels.size() + deadLetters;
        }
    }
}
