package io.flinkinference.jobs.ocr;

import io.flinkinference.avro.DeadLetter;
import io.flinkinference.avro.ImageEncoding;
import io.flinkinference.avro.OcrResult;
import io.flinkinference.jobs.StreamingInferenceJob;
import io.flinkinference.jobs.kafka.AvroMessages;
import io.flinkinference.jobs.kafka.ImageProducer;
import io.flinkinference.operators.InferenceOptions;
import io.flinkinference.operators.ocr.CharacterErrorRate;
import io.flinkinference.samples.EmbeddedKafka;
import io.flinkinference.samples.ImageFiles;
import io.flinkinference.samples.TextLineImages;
import io.flinkinference.testing.TestClusters;
import io.flinkinference.testing.TestModels;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OCR job end to end: a real embedded Kafka broker, a real MiniCluster, the three real
 * PaddleOCR models, on pages of known text.
 */
class OcrJobTest {
    private static final String[] WORDS = {
        "invoice", "total", "amount", "date", "order", "number", "customer", "address", "payment", "due",
        "shipping", "account", "balance", "report", "summary", "quantity", "price", "item", "tax", "paid"
    };
    private static final int PAGES = 12;
    /** Measured 0.025 over these pages (0.023 before a quarter of the lines were turned upside down), every error a space the recognizer left out between two words; room for other CPUs. */
    private static final double MAX_CORPUS_CER = 0.05;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = TestClusters.oneTaskManager(2);

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() throws IOException {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    /** A white page with 1 to 5 lines of 2 to 4 words each, at known places, and its text. */
    private record Page(byte[] png, List<String> lines, int upsideDown) {}

    private static Page page(long seed) {
        Random random = new Random(seed);
        int lineCount = 1 + random.nextInt(5);
        int lineHeight = 64;
        BufferedImage page = new BufferedImage(720, 40 + lineCount * lineHeight + 40, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = page.createGraphics();
        List<String> lines = new ArrayList<>();
        int turned = 0;
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, page.getWidth(), page.getHeight());
            for (int i = 0; i < lineCount; i++) {
                int words = 2 + random.nextInt(3);
                List<String> line = new ArrayList<>();
                for (int w = 0; w < words; w++) {
                    line.add(WORDS[random.nextInt(WORDS.length)]);
                }
                String text = String.join(" ", line);
                Font font = new Font(random.nextBoolean() ? Font.SANS_SERIF : Font.SERIF, Font.PLAIN, 26 + random.nextInt(8));
                BufferedImage rendered = TextLineImages.render(text, font);
                // About one line in four upside down: the orientation classifier must turn it before recognition.
                boolean upsideDown = random.nextInt(4) == 0;
                turned += upsideDown ? 1 : 0;
                g.drawImage(upsideDown ? TextLineImages.rotate180(rendered) : rendered, 30 + random.nextInt(60),
                        40 + i * lineHeight, null);
                lines.add(text);
            }
        } finally {
            g.dispose();
        }
        return new Page(ImageFiles.png(page), lines, turned);
    }

    private static byte[] blankPage() {
        BufferedImage page = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = page.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, page.getWidth(), page.getHeight());
        } finally {
            g.dispose();
        }
        return ImageFiles.png(page);
    }

    @Test
    void everyLineOfEveryPageInReadingOrderBlankPagesEmptyCorruptOnesDeadLetters() throws Exception {
        kafka.createTopics(2, "ocr-images", "ocr-results", "ocr-dead");
        Map<String, Page> pages = new HashMap<>();
        try (ImageProducer producer = new ImageProducer(kafka.bootstrapServers(), "ocr-images", new Properties())) {
            for (int i = 0; i < PAGES; i++) {
                Page page = page(7000 + i);
                pages.put("page-" + i, page);
                producer.send(ImageProducer.image("page-" + i, page.png(), ImageEncoding.PNG, Map.of()));
            }
            producer.send(ImageProducer.image("blank", blankPage(), ImageEncoding.PNG, Map.of()));
            byte[] good = page(1).png();
            producer.send(ImageProducer.image("truncated", Arrays.copyOf(good, good.length / 3), ImageEncoding.PNG, Map.of()));
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        OcrJob.build(env, OcrJob.Settings.paddleOcr(settings()));
        long start = System.nanoTime();
        env.execute("ocr end-to-end test");
        double seconds = (System.nanoTime() - start) / 1e9;

        Map<String, OcrResult> results = readAll("ocr-results", OcrResult.getClassSchema(), OcrResult::getId);
        Map<String, DeadLetter> deadLetters = readAll("ocr-dead", DeadLetter.getClassSchema(), DeadLetter::getKey);
        System.out.printf("OCR job: %d images in %.1f s (start-up and model loading included): %.2f images/s%n",
                PAGES + 2, seconds, (PAGES + 2) / seconds);

        assertThat(pages.values().stream().mapToInt(Page::upsideDown).sum()).as("upside-down lines sent").isPositive();
        assertThat(results).containsOnlyKeys(concat(pages.keySet(), "blank"));
        assertThat(results.get("blank").getLines()).isEmpty();
        assertThat(results.get("blank").getText()).isEmpty();
        assertThat(deadLetters).containsOnlyKeys("truncated");
        assertThat(deadLetters.get("truncated").getStage()).isEqualTo("DECODE");
        assertThat(deadLetters.get("truncated").getErrorMessage()).contains("corrupt or truncated");

        CharacterErrorRate corpus = new CharacterErrorRate();
        pages.forEach((id, page) -> {
            OcrResult result = results.get(id);
            List<String> rows = Arrays.asList(result.getText().split("\n"));
            System.out.printf("%s: expected %s, read %s (confidence %.3f)%n", id, page.lines(), rows, result.getConfidence());
            assertThat(rows).as(id + ": one row per rendered line, top to bottom").hasSameSizeAs(page.lines());
            for (int i = 0; i < rows.size(); i++) {
                // Each row must be its own line, in order: another line's words would be far off.
                assertThat(CharacterErrorRate.of(page.lines().get(i), rows.get(i))).as(id + " row " + i).isLessThan(0.3);
            }
            corpus.add(String.join("\n", page.lines()), result.getText());
        });
        double cer = corpus.rate();
        System.out.printf("OCR job: character error rate %.4f over %d pages%n", cer, PAGES);
        assertThat(cer).isLessThan(MAX_CORPUS_CER);
    }

    private static List<String> concat(java.util.Set<String> ids, String more) {
        List<String> all = new ArrayList<>(ids);
        all.add(more);
        return all;
    }

    private static StreamingInferenceJob.Settings settings() {
        Configuration inference = new Configuration();
        inference.set(InferenceOptions.MODEL_STORE, TestModels.storeLocation());
        inference.set(InferenceOptions.MAX_QUEUE_DELAY, Duration.ofMillis(10));
        return new StreamingInferenceJob.Settings(kafka.bootstrapServers(), "ocr-images", "ocr-results", "ocr-dead",
                "ocr-test", inference, new Properties(), DeliveryGuarantee.AT_LEAST_ONCE, Duration.ofSeconds(1), 2, true);
    }

    /** Every message of {@code topic}, read to the end offsets (the job has finished), by key; a key twice fails. */
    private static <T extends SpecificRecord> Map<String, T> readAll(String topic, org.apache.avro.Schema schema,
            Function<T, CharSequence> key) throws IOException {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        AvroMessages<T> messages = new AvroMessages<>(schema);
        Map<String, T> byKey = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    T value = messages.decode(record.value(), record.headers().lastHeader(AvroMessages.SCHEMA_HEADER).value());
                    T previous = byKey.put(key.apply(value).toString(), value);
                    assertThat(previous).as("written twice: " + key.apply(value)).isNull();
                }
            }
        }
        return byKey;
    }
}
