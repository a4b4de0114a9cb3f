package io.flinkinference.cli;

import io.flinkinference.testing.CommandRunner;
import io.flinkinference.testing.TestModels;
import io.flinkinference.samples.EmbeddedKafka;
import io.flinkinference.samples.TextLineImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** produce, run and consume as a user types them, against a real embedded broker. */
class CommandLineJobTest {
    private static EmbeddedKafka kafka;
    private static String store;

    private final CommandRunner cli = CommandRunner.of(FlinkInferenceCli::commandLine);

    @BeforeAll
    static void start() throws IOException {
        kafka = EmbeddedKafka.start();
        store = TestModels.storeLocation();
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    @Test
    void producesRunsAndConsumes(@TempDir Path images) throws Exception {
        int webPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            webPort = socket.getLocalPort();
        }
        kafka.createTopics(1, "cli-images", "cli-results", "cli-dead");
        for (int i = 0; i < 6; i++) {
            TextLineImages.Sample sample = new TextLineImages(i).sample(i % 2 == 0);
            ImageIO.write(sample.image(), "png", images.resolve("line-" + i + "-" + sample.orientationLabel() + ".png").toFile());
        }
        Files.write(images.resolve("bad.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});

        assertThat(run("produce", "-b", kafka.bootstrapServers(), "--topic", "cli-images", images.toString())).isZero();
        assertThat(cli.out()).contains("Sent 7 of 7 images");

        assertThat(run("run", "-b", kafka.bootstrapServers(), "--input-topic", "cli-images", "--output-topic", "cli-results",
                "--dead-letter-topic", "cli-dead", "--model", "ppocr-cls", "--store", store, "--bounded",
                "--checkpoint-interval", "1s", "--max-queue-delay", "2ms", "--web-ui-port", Integer.toString(webPort),
                "--state-dir", images.resolve("state").toString()))
                .as(cli.err()).isZero();
        assertThat(cli.out()).contains("Submitted job").contains("Job finished.")
                .contains("Flink web UI: http://127.0.0.1:" + webPort + "/");

        assertThat(run("consume", "-b", kafka.bootstrapServers(), "--output-topic", "cli-results", "--dead-letter-topic", "cli-dead",
                "--idle", "3s")).isZero();
        String lines = cli.out();
        assertThat(lines.lines().filter(l -> l.startsWith("result"))).hasSize(6).allSatisfy(line -> {
            // The file name carries the truth: line-<i>-<label>.png; the result line names the label.
            String truth = line.replaceAll(".*line-\\d+-(\\d+)\\.png.*", "$1");
            assertThat(line).contains("ppocr-cls:1  " + truth + " (");
        });
        assertThat(lines.lines().filter(l -> l.startsWith("DEAD"))).singleElement().satisfies(line ->
                assertThat(line).contains("bad.png").contains("cli-images-0@").contains("DECODE"));
    }

    @Test
    void produceToAnUnreachableBrokerFailsAndSaysNothingWasSent(@TempDir Path images) throws Exception {
        Files.write(images.resolve("one.png"), pngOfSize(100));

        assertThat(run("produce", "-b", "127.0.0.1:1", "--topic", "anything", images.toString())).isEqualTo(1);

        assertThat(cli.err()).contains("Cannot reach Kafka at 127.0.0.1:1").contains("nothing was sent");
        assertThat(cli.out()).doesNotContain("Sent");
    }

    @Test
    void produceNamesEveryFileItDidNotSendAndKeysByPathAcrossFolders(@TempDir Path images) throws Exception {
        kafka.admin().createTopics(List.of(new NewTopic("small-images", 1, (short) 1)
                .configs(Map.of("max.message.bytes", "4096")))).all().get(30, TimeUnit.SECONDS);
        Files.createDirectories(images.resolve("a"));
        Files.createDirectories(images.resolve("b"));
        Files.write(images.resolve("a/same.png"), pngOfSize(200));
        Files.write(images.resolve("b/same.png"), pngOfSize(300));
        Files.write(images.resolve("big.jpg"), pngOfSize(20_000));
        Files.write(images.resolve("empty.png"), new byte[0]);
        Files.writeString(images.resolve("notes.txt"), "not an image");

        assertThat(run("produce", "-b", kafka.bootstrapServers(), "--topic", "small-images", images.toString())).isEqualTo(1);

        assertThat(cli.out()).contains("Sent 2 of 4 images").contains("Skipped 1 file(s)").contains("notes.txt");
        assertThat(cli.err()).contains("Not sent: 2 image(s)")
                .contains("big.jpg: its message would be").contains("max.message.bytes of 0.00 MB").contains("kafka-configs.sh")
                .contains("empty.png: is empty");
        assertThat(keysIn("small-images", 2)).containsExactlyInAnyOrder(
                ImageInputs.key(images.resolve("a/same.png")), ImageInputs.key(images.resolve("b/same.png")));
    }

    @Test
    void failsFastWithAMessageThatSaysWhatIsMissing() {
        kafka.createTopics(1, "ff-results", "ff-dead");
        assertThat(run("run", "-b", kafka.bootstrapServers(), "--model", "ppocr-cls", "--store", store,
                "--input-topic", "no-such-topic", "--output-topic", "ff-results", "--dead-letter-topic", "ff-dead")).isEqualTo(1);
        assertThat(cli.err()).contains("Topic(s) [no-such-topic] do not exist").contains("kafka-topics.sh");

        assertThat(run("run", "-b", kafka.bootstrapServers(), "--model", "no-such-model", "--store", store)).isEqualTo(1);
        assertThat(cli.err()).contains("No model 'no-such-model'");

        assertThat(run("run", "-b", "127.0.0.1:1", "--model", "ppocr-cls", "--store", store)).isEqualTo(1);
        assertThat(cli.err()).contains("Cannot reach Kafka at 127.0.0.1:1");

        assertThat(run("run", "-b", kafka.bootstrapServers(), "--model", "ppocr-cls", "--bogus")).isEqualTo(2);
        assertThat(cli.err()).contains("Unknown option: '--bogus'");

        assertThat(run("run", "-b", kafka.bootstrapServers())).isEqualTo(2);
        assertThat(cli.err()).contains("No model given");
    }

    @Test
    void aLocalTensorRtJobWithoutGpuOrTensorRtIsRefusedBeforeItStarts() {
        assumeFalse(gpuAndTensorRt(), "a GPU and TensorRT are here, so the refusal cannot be seen");
        kafka.createTopics(1, "trt-images", "trt-results", "trt-dead");

        assertThat(run("run", "-b", kafka.bootstrapServers(), "--model", "ppocr-cls", "--store", store, "--engine", "tensorrt",
                "--input-topic", "trt-images", "--output-topic", "trt-results", "--dead-letter-topic", "trt-dead")).isEqualTo(1);
        assertThat(cli.err()).containsAnyOf("CUDA could not be loaded", "No usable NVIDIA GPU", "libnvinfer.so.10")
                .contains("onnxruntime engine");
        assertThat(cli.out()).doesNotContain("Submitted job");
    }

    private static boolean gpuAndTensorRt() {
        try {
            io.flinkinference.engine.tensorrt.gpu.Cuda.deviceCount();
            io.flinkinference.engine.tensorrt.TensorRtLibrary.load();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A file of {@code bytes} bytes that starts like a PNG; produce sends bytes, it does not decode them. */
    private static byte[] pngOfSize(int bytes) {
        byte[] data = new byte[bytes];
        new java.util.Random(bytes).nextBytes(data);
        System.arraycopy(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, 0, data, 0, 4);
        return data;
    }

    private static List<String> keysIn(String topic, int expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "keys-" + topic);
        List<String> keys = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (keys.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> keys.add(record.key()));
            }
            // One more poll: a duplicate or an extra message would show here.
            consumer.poll(Duration.ofMillis(500)).forEach(record -> keys.add(record.key()));
        }
        return keys;
    }

    @Test
    void runsTheOcrPipelineWithItsOwnBatchSizes(@TempDir Path pages) throws Exception {
        kafka.createTopics(1, "cli-ocr-images", "cli-ocr-results", "cli-ocr-dead");
        Map<String, String> truth = new java.util.HashMap<>();
        // Two pages the recognizer reads well (7200 has an upside-down line the classifier leaves as it is): this test
        // is about the entry point; OcrJobTest and the demo measure accuracy.
        long[] seeds = {7100, 7102};
        for (int i = 0; i < 2; i++) {
            io.flinkinference.samples.DocumentPages.Page page = io.flinkinference.samples.DocumentPages.page(seeds[i]);
            Path file = Files.write(pages.resolve("page-" + i + ".png"), page.png());
            truth.put(ImageInputs.key(file), page.text());
        }
        assertThat(run("produce", "-b", kafka.bootstrapServers(), "--topic", "cli-ocr-images", pages.toString())).isZero();
        Path config = Files.writeString(pages.resolve("ocr.properties"), "ocr.recognition.max-batch-size=8\n");

        assertThat(run("run", "-b", kafka.bootstrapServers(), "--pipeline", "ocr", "--input-topic", "cli-ocr-images",
                "--output-topic", "cli-ocr-results", "--dead-letter-topic", "cli-ocr-dead", "--store", store, "--bounded",
                "--det-max-batch-size", "2", "--config", config.toString(), "--checkpoint-interval", "1s",
                "--web-ui-port", "0", "--state-dir", pages.resolve("state").toString()))
                .as(cli.err()).isZero();
        assertThat(cli.out()).contains("OCR (ppocr-det, ppocr-cls, ppocr-rec)").contains("Job finished.")
                .doesNotContain("Flink settings from"); // ocr.* keys are the job's, not Flink's

        Map<String, String> read = new java.util.HashMap<>();
        try (io.flinkinference.jobs.kafka.OutputTopicsReader<io.flinkinference.avro.OcrResult> reader =
                new io.flinkinference.jobs.kafka.OutputTopicsReader<>(kafka.bootstrapServers(), "cli-ocr-results", "cli-ocr-dead",
                        io.flinkinference.avro.OcrResult.getClassSchema(), new Properties())) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (read.size() < truth.size() && System.nanoTime() < deadline) {
                reader.poll(Duration.ofMillis(200)).results().forEach(r -> read.put(r.getId(), r.getText()));
            }
        }
        assertThat(read.keySet()).containsExactlyInAnyOrderElementsOf(truth.keySet());
        truth.forEach((id, text) -> assertThat(io.flinkinference.operators.ocr.CharacterErrorRate.of(text, read.get(id)))
                .as(id + ": " + read.get(id)).isLessThan(0.1));
    }

    @Test
    void theOcrPipelineRefusesTheClassifyOptionsAndUnknownOcrKeys(@TempDir Path folder) throws IOException {
        assertThat(run("run", "-b", kafka.bootstrapServers(), "--pipeline", "ocr", "--model", "ppocr-cls")).isEqualTo(2);
        assertThat(cli.err()).contains("--det-max-batch-size");
        assertThat(run("run", "-b", kafka.bootstrapServers(), "--model", "ppocr-cls", "--rec-max-batch-size", "4")).isEqualTo(2);
        assertThat(cli.err()).contains("are for --pipeline ocr");

        Path config = Files.writeString(folder.resolve("typo.properties"), "ocr.detection.max-batchsize=2\n");
        assertThat(run("run", "-b", kafka.bootstrapServers(), "--pipeline", "ocr", "--config", config.toString())).isEqualTo(1);
        assertThat(cli.err()).contains("Unknown OCR setting(s) [ocr.detection.max-batchsize]").contains("ocr.detection.max-batch-size");
    }

    private int run(String... args) {
        return cli.run(args);
    }
}
