package io.flinkinference.cli;

import io.flinkinference.avro.ImageRecord;
import io.flinkinference.avro.OcrResult;
import io.flinkinference.jobs.LocalEnvironments;
import io.flinkinference.jobs.StreamingInferenceJob;
import io.flinkinference.jobs.kafka.ImageProducer;
import io.flinkinference.jobs.kafka.OutputTopicsReader;
import io.flinkinference.jobs.kafka.TopicLimits;
import io.flinkinference.jobs.ocr.OcrJob;
import io.flinkinference.jobs.ocr.OcrOptions;
import io.flinkinference.samples.EmbeddedKafka;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ExceptionUtils;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The OCR job on the embedded default, for {@code demo --pipeline ocr} and {@code ocr}: a Kafka
 * broker (KRaft, loopback) with the job's three topics and a local Flink MiniCluster running
 * {@link OcrJob}, after the job's preflight. Images go in with {@link #send}, answers come back
 * from {@link #poll}; closing cancels the job and stops the broker.
 */
final class LocalOcrPipeline implements AutoCloseable {
    static final String INPUT = "images";
    static final String OUTPUT = "ocr-results";
    static final String DEAD_LETTERS = "dead-letters";

    private final EmbeddedKafka kafka;
    private final ImageProducer producer;
    private final OutputTopicsReader<OcrResult> reader;
    private final JobClient job;
    private final CompletableFuture<JobExecutionResult> ended;
    private final int maxMessageBytes;

    private LocalOcrPipeline(EmbeddedKafka kafka, JobClient job) {
        this.kafka = kafka;
        this.job = job;
        this.ended = job.getJobExecutionResult();
        this.producer = new ImageProducer(kafka.bootstrapServers(), INPUT, new Properties());
        this.reader = new OutputTopicsReader<>(kafka.bootstrapServers(), OUTPUT, DEAD_LETTERS, OcrResult.getClassSchema(),
                new Properties());
        this.maxMessageBytes = TopicLimits.describe(kafka.bootstrapServers(), new Properties(), INPUT).maxMessageBytes();
    }

    /**
     * Starts the broker and the job.
     *
     * @param inference the {@code inference.*} settings the three stages share (store, engine, queue delay)
     * @param stages the {@code ocr.*} settings of the stages (models, batch sizes)
     * @param say where each step is told, for people watching
     */
    static LocalOcrPipeline start(Configuration inference, Configuration stages, int parallelism, String jobName,
            Consumer<String> say) throws Exception {
        say.accept("Starting a Kafka broker (KRaft, loopback) ...");
        EmbeddedKafka kafka = EmbeddedKafka.start();
        try {
            kafka.createTopics(Math.max(2, parallelism), INPUT, OUTPUT, DEAD_LETTERS);
            StreamingInferenceJob.Settings io = new StreamingInferenceJob.Settings(kafka.bootstrapServers(), INPUT, OUTPUT,
                    DEAD_LETTERS, "flink-inference-ocr", inference, new Properties(), DeliveryGuarantee.AT_LEAST_ONCE,
                    Duration.ofSeconds(5), parallelism, false);
            OcrJob.Settings settings = OcrOptions.settings(io, stages);
            OcrJob.preflight(settings);
            OcrJob.preflightLocalEngine(settings);
            say.accept("Starting the OCR job on a local Flink MiniCluster (parallelism " + parallelism + "): "
                    + settings.describe() + " ...");
            StreamExecutionEnvironment env = LocalEnvironments.create(parallelism);
            OcrJob.build(env, settings);
            return new LocalOcrPipeline(kafka, env.executeAsync(jobName));
        } catch (Exception e) {
            kafka.close();
            throw e;
        }
    }

    String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** The largest message the input topic takes, to compare {@link ImageProducer.Encoded#messageBytes()} with. */
    int maxMessageBytes() {
        return maxMessageBytes;
    }

    ImageProducer.Encoded encode(ImageRecord image) {
        return producer.encode(image);
    }

    Future<RecordMetadata> send(ImageProducer.Encoded image) {
        return producer.send(image);
    }

    void flush() {
        producer.flush();
    }

    OutputTopicsReader.Batch<OcrResult> poll(Duration timeout) {
        return reader.poll(timeout);
    }

    /** Why the job ended, if it has: it runs until closed, so any end is a failure. */
    Optional<String> endedBecause() {
        if (!ended.isDone()) {
            return Optional.empty();
        }
        try {
            ended.getNow(null);
            return Optional.of("the job finished unexpectedly");
        } catch (RuntimeException e) {
            return Optional.of(ExceptionUtils.stripCompletionException(e).getMessage());
        }
    }

    @Override
    public void close() {
        try {
            if (!ended.isDone()) {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            // The MiniCluster goes with this process anyway; the broker must still stop.
        } finally {
            producer.close();
            reader.close();
            kafka.close();
        }
    }
}
