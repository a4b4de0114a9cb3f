package io.flinkinference.jobs.hostile;

import io.flinkinference.avro.DeadLetter;
import io.flinkinference.avro.ImageEncoding;
import io.flinkinference.avro.InferenceResult;
import io.flinkinference.jobs.LocalEnvironments;
import io.flinkinference.jobs.StreamingInferenceJob;
import io.flinkinference.jobs.kafka.AvroMessages;
import io.flinkinference.jobs.kafka.ImageProducer;
import io.flinkinference.jobs.kafka.OutputReader;
import io.flinkinference.operators.InferenceOptions;
import io.flinkinference.samples.EmbeddedKafka;
import io.flinkinference.samples.TextLineImages;
import io.flinkinference.testing.TestModels;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reliability table of docs/BENCHMARKS.md, from one run a user can repeat
 * ({@code scripts/hostile-inputs.sh}): the streaming job (embedded broker, local MiniCluster in
 * this JVM, ONNX Runtime, the orientation classifier, the default restart strategy) takes good
 * images, then each hostile input of {@link HostileInputs} alone, then good images again. For each
 * input it reports the outcome, the heap peak and the process's peak RSS while it was handled
 * (both reset before it), and the job's throughput before and after. It fails if an input does
 * not come back as the dead letter it should, or the job stops.
 *
 * <p>Not part of {@code mvn verify} (its name does not end in Test): it runs for minutes and
 * reports figures rather than checking a feature the suite does not already check
 * ({@code PoisonRecordsTest}, {@code ImageRecordDeserializerTest}, {@code ImageDecoderTest}).
 */
class HostileInputsReport {
    private static final int GOOD = 3_000;

    @Test
    void report() throws Exception {
        StringBuilder table = new StringBuilder("| input | what | outcome | reason | heap peak MB | RSS peak MB |\n"
                + "| --- | --- | --- | --- | ---: | ---: |\n");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(1, "hi-images", "hi-results", "hi-dead");
            Configuration inference = new Configuration();
            inference.set(InferenceOptions.MODEL, "ppocr-cls");
            inference.set(InferenceOptions.MODEL_STORE, TestModels.storeLocation());
            inference.set(InferenceOptions.MAX_QUEUE_DELAY, Duration.ofMillis(2));
            StreamingInferenceJob.Settings settings = new StreamingInferenceJob.Settings(kafka.bootstrapServers(), "hi-images",
                    "hi-results", "hi-dead", "hi-report", inference, new Properties(), DeliveryGuarantee.AT_LEAST_ONCE,
                    Duration.ofSeconds(5), 1, false);
            StreamingInferenceJob.preflight(settings);
            StreamExecutionEnvironment env = LocalEnvironments.create(1);
            StreamingInferenceJob.build(env, settings);
            JobClient job = env.executeAsync("hostile inputs");
            try (KafkaProducer<byte[], byte[]> producer = producer(kafka);
                    OutputReader reader = new OutputReader(kafka.bootstrapServers(), "hi-results", "hi-dead", new Properties())) {
                double before = goodThroughput(producer, reader, "before");
                for (HostileInputs.Case input : HostileInputs.all(29)) {
                    resetPeaks();
                    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>("hi-images",
                            input.key().getBytes(StandardCharsets.UTF_8), input.value());
                    if (input.schemaHeader() != null) {
                        record.headers().add(AvroMessages.SCHEMA_HEADER, input.schemaHeader());
                    }
                    producer.send(record).get();
                    Object outcome = awaitOutcome(reader, input.key(), job);
                    if (outcome instanceof DeadLetter letter) {
                        String reason = letter.getErrorMessage().replace('|', '/');
                        table.append(String.format("| `%s` | %s | dead letter, %s%s | %s | %d | %d |%n", input.key(), input.what(),
                                letter.getStage(), letter.getOriginalTruncated() ? ", payload cut to "
                                        + letter.getOriginalBytes().remaining() + " of " + letter.getOriginalLength() + " bytes" : "",
                                reason.length() > 110 ? reason.substring(0, 110) + "..." : reason, heapPeakMb(), rssPeakMb()));
                        if (input.stage() != null) {
                            assertThat(letter.getStage()).as(input.key()).isEqualTo(input.stage());
                        }
                    } else {
                        InferenceResult result = (InferenceResult) outcome;
                        table.append(String.format("| `%s` | %s | result | %s | %d | %d |%n", input.key(), input.what(),
                                result.getLabels().get(0).getLabel(), heapPeakMb(), rssPeakMb()));
                        assertThat(input.stage()).as(input.key() + " should have been a dead letter").isNull();
                    }
                }
                double after = goodThroughput(producer, reader, "after");
                table.append(String.format("%nGood images (%d each time): %.0f results/s before the hostile inputs, %.0f after "
                        + "(%.2fx); the job ran throughout (%s).%n", GOOD, before, after, after / before, job.getJobStatus().get()));
                assertThat(job.getJobStatus().get().isGloballyTerminalState()).isFalse();
            } finally {
                job.cancel().get();
            }
        }
        System.out.println(table);
        Files.writeString(Path.of("target", "hostile-inputs.md"), table);
    }

    private static KafkaProducer<byte[], byte[]> producer(EmbeddedKafka kafka) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(EmbeddedKafka.MAX_MESSAGE_BYTES));
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Sends {@link #GOOD} labelled lines and returns results per second from the first result to the last. */
    private static double goodThroughput(KafkaProducer<byte[], byte[]> producer, OutputReader reader, String round) throws Exception {
        AvroMessages<io.flinkinference.avro.ImageRecord> images = new AvroMessages<>(io.flinkinference.avro.ImageRecord.getClassSchema());
        List<byte[]> lines = new ArrayList<>();
        TextLineImages samples = new TextLineImages(31);
        for (int i = 0; i < 32; i++) {
            lines.add(samples.sample(i % 2 == 0).png());
        }
        for (int i = 0; i < GOOD; i++) {
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>("hi-images", null,
                    images.encode(HostileInputs.image(round + "-" + i, lines.get(i % lines.size()), ImageEncoding.PNG)));
            record.headers().add(AvroMessages.SCHEMA_HEADER, images.schemaHeader());
            producer.send(record);
        }
        producer.flush();
        int seen = 0;
        long first = 0;
        long last = 0;
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (seen < GOOD && System.nanoTime() < deadline) {
            for (InferenceResult result : reader.poll(Duration.ofMillis(200)).results()) {
                if (result.getId().startsWith(round + "-")) {
                    last = System.nanoTime();
                    first = seen++ == 0 ? last : first;
                }
            }
        }
        assertThat(seen).as("good results " + round).isEqualTo(GOOD);
        return (GOOD - 1) / ((last - first) / 1e9);
    }

    /** The dead letter keyed {@code key}, or the result of that id, whichever comes. */
    private static Object awaitOutcome(OutputReader reader, String key, JobClient job) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(job.getJobStatus().get().isGloballyTerminalState()).as("the job runs").isFalse();
            OutputReader.Batch batch = reader.poll(Duration.ofMillis(200));
            for (DeadLetter letter : batch.deadLetters()) {
                if (key.equals(letter.getKey())) {
                    return letter;
                }
            }
            for (InferenceResult result : batch.results()) {
                if (key.equals(result.getId())) {
                    return result;
                }
            }
        }
        throw new AssertionError("neither a dead letter nor a result for " + key + " within 2 minutes");
    }

    /** Resets the heap pools' peaks and the kernel's peak RSS of this process (writing 5 to clear_refs). */
    private static void resetPeaks() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (Exception e) {
            // Not Linux, or not allowed: the RSS column then shows the peak since the process started.
        }
    }

    private static long heapPeakMb() {
        long bytes = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                bytes += pool.getPeakUsage().getUsed();
            }
        }
        return bytes >> 20;
    }

    private static long rssPeakMb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) >> 10;
            }
        }
        return -1;
    }
}
