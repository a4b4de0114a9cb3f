package io.flinkinference.jobs.ocr;

import io.flinkinference.avro.DeadLetter;
import io.flinkinference.avro.ImageEncoding;
import io.flinkinference.avro.OcrResult;
import io.flinkinference.jobs.StreamingInferenceJob;
import io.flinkinference.jobs.kafka.ImageProducer;
import io.flinkinference.operators.InferenceOptions;
import io.flinkinference.operators.ocr.CharacterErrorRate;
import io.flinkinference.samples.DocumentPages;
import io.flinkinference.samples.DocumentPages.Page;
import io.flinkinference.samples.EmbeddedKafka;
import io.flinkinference.samples.ImageFiles;
import io.flinkinference.testing.TestClusters;
import io.flinkinference.testing.TestModels;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OCR job end to end: a real embedded Kafka broker, a real MiniCluster, the three real
 * PaddleOCR models, on pages of known text.
 */
class OcrJobTest {
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

    @Test
    void everyLineOfEveryPageInReadingOrderBlankPagesEmptyCorruptOnesDeadLetters() throws Exception {
        kafka.createTopics(2, "ocr-images", "ocr-results", "ocr-dead");
        Map<String, Page> pages = new HashMap<>();
        try (ImageProducer producer = new ImageProducer(kafka.bootstrapServers(), "ocr-images", new Properties())) {
            for (int i = 0; i < PAGES; i++) {
                Page page = DocumentPages.page(7000 + i);
                pages.put("page-" + i, page);
                producer.send(ImageProducer.image("page-" + i, page.png(), ImageEncoding.PNG, Map.of()));
            }
            producer.send(ImageProducer.image("blank", ImageFiles.png(DocumentPages.blank(640, 480)), ImageEncoding.PNG, Map.of()));
            byte[] good = DocumentPages.page(1).png();
            producer.send(ImageProducer.image("truncated", Arrays.copyOf(good, good.length / 3), ImageEncoding.PNG, Map.of()));
            producer.send(ImageProducer.image("one-pixel", ImageFiles.png(DocumentPages.blank(1, 1)), ImageEncoding.PNG, Map.of()));
            // 3.6 gigapixels claimed in a few hundred bytes: decoding it would take 14 GB of heap, far past this JVM's.
            producer.send(ImageProducer.image("claims-60000x60000",
                    ImageFiles.pngClaimingSize(good, 60_000, 60_000), ImageEncoding.PNG, Map.of()));
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        OcrJob.build(env, OcrJob.Settings.paddleOcr(settings()));
        long start = System.nanoTime();
        env.execute("ocr end-to-end test");
        double seconds = (System.nanoTime() - start) / 1e9;

        Map<String, OcrResult> results = readAll("ocr-results", OcrResult.getClassSchema(), OcrResult::getId);
        Map<String, DeadLetter> deadLetters = readAll("ocr-dead", DeadLetter.getClassSchema(), DeadLetter::getKey);
        System.out.printf("OCR job: %d images in %.1f s (start-up and model loading included): %.2f images/s%n",
                PAGES + 4, seconds, (PAGES + 4) / seconds);

        assertThat(pages.values().stream().mapToInt(Page::upsideDown).sum()).as("upside-down lines sent").isPositive();
        assertThat(results).containsOnlyKeys(concat(pages.keySet(), "blank"));
        assertThat(results.get("blank").getLines()).isEmpty();
        assertThat(results.get("blank").getText()).isEmpty();
        assertThat(deadLetters).containsOnlyKeys("truncated", "one-pixel", "claims-60000x60000");
        assertThat(deadLetters.get("truncated").getStage()).isEqualTo("DECODE");
        assertThat(deadLetters.get("truncated").getErrorMessage()).contains("corrupt or truncated");
        assertThat(deadLetters.get("one-pixel").getStage()).isEqualTo("PREPROCESS");
        assertThat(deadLetters.get("one-pixel").getErrorMessage()).contains("1x1 pixels, too small to hold text");
        // Refused from the header, by the configured limit, before a pixel was decoded.
        assertThat(deadLetters.get("claims-60000x60000").getStage()).isEqualTo("DECODE");
        assertThat(deadLetters.get("claims-60000x60000").getErrorMessage())
                .contains("60000x60000").contains("over the limit of 50.0 megapixels (inference.image.max-pixels)")
                .contains("it was not decoded");

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
            corpus.add(page.text(), result.getText());
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
        try (CommittedMessages<T> messages = new CommittedMessages<>(kafka.bootstrapServers(), topic, schema, key)) {
            messages.readToEnd(Duration.ofSeconds(30));
            return messages.onePerKey();
        }
    }
}
