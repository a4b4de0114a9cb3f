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

    private int run(String... args) {
        return cli.run(args);
    }
}
