package io.flinkinference.benchmarks;

import io.flinkinference.avro.ImageEncoding;
import io.flinkinference.jobs.StreamingInferenceJob;
import io.flinkinference.samples.EmbeddedKafka;
import io.flinkinference.jobs.kafka.ImageProducer;
import io.flinkinference.jobs.kafka.OutputReader;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.samples.models.PaddleOcrModels;
import io.flinkinference.operators.Inference;
import io.flinkinference.operators.InferenceOptions;
import io.flinkinference.operators.InferenceRequest;
import io.flinkinference.operators.InferenceResult;
import io.flinkinference.samples.TextLineImages;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 4's measurement: what Kafka and Avro cost. The same PNG text lines go through the same
 * inference settings twice per round, side by side: (A) generator source -> inference function ->
 * counting sink, no Kafka; (B) the streaming job, Kafka (Avro ImageRecord) -> job -> Kafka (Avro
 * InferenceResult), on the embedded broker, with the input written before the job starts and the
 * results read as they arrive. Both are taken in steady state (10th percent of results to the last).
 *
 * <p>Run: {@code benchmarks/run.sh KafkaBenchmark [records-per-variant] [rounds]}.
 */
public final class KafkaBenchmark {
    private static final int POOL = 256;
    private static final AtomicLong COUNT = new AtomicLong();
    private static final AtomicLong STEADY_START = new AtomicLong();
    private static final AtomicLong LAST = new AtomicLong();
    private static volatile long expected;

    private KafkaBenchmark() {}

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        ModelStore store = ModelStore.open(ModelStore.defaultRoot());
        PaddleOcrModels.fetchInto(store, line -> { });
        List<byte[]> pngs = new ArrayList<>();
        for (TextLineImages.Sample sample : new TextLineImages(11).samples(POOL)) {
            pngs.add(sample.png());
        }
        double[] alone = new double[rounds];
        double[] kafka = new double[rounds];
        try (EmbeddedKafka broker = EmbeddedKafka.start()) {
            for (int round = 0; round < rounds; round++) {
                alone[round] = functionAlone(store, pngs, records);
                kafka[round] = throughKafka(broker, store, pngs, records, round);
                System.out.printf("round %d: function alone %.0f/s, through Kafka %.0f/s (%.0f%%)%n", round + 1,
                        alone[round], kafka[round], 100 * kafka[round] / alone[round]);
            }
        }
        double[] ratios = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            ratios[i] = kafka[i] / alone[i];
        }
        StringBuilder report = new StringBuilder();
        report.append("# Kafka benchmark, ").append(Instant.now()).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores, ").append(records).append(" PNG text lines per variant, ").append(rounds).append(" rounds\n\n")
                .append("| round | function alone (records/s) | Kafka -> job -> Kafka (records/s) | Kafka / alone |\n")
                .append("| ---: | ---: | ---: | ---: |\n");
        for (int i = 0; i < rounds; i++) {
            report.append(String.format("| %d | %.0f | %.0f | %.0f%% |%n", i + 1, alone[i], kafka[i], 100 * ratios[i]));
        }
        report.append(String.format("| median | %.0f | %.0f | %.0f%% |%n", Medians.of(alone), Medians.of(kafka), 100 * Medians.of(ratios)));
        System.out.println(report);
        Path out = Path.of("benchmarks/target/results/kafka.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
    }

    private static double functionAlone(ModelStore store, List<byte[]> pngs, int records) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, new Configuration());
        DataGeneratorSource<InferenceRequest> source = new DataGeneratorSource<>(
                i -> InferenceRequest.image("r" + i, pngs.get((int) (i % pngs.size())), System.currentTimeMillis()),
                records, TypeInformation.of(InferenceRequest.class));
        Inference.builder().modelStore(store.root()).model(PaddleOcrModels.CLASSIFIER).build()
                .apply(env.fromSource(source, WatermarkStrategy.noWatermarks(), "png text lines"))
                .results().sinkTo(new CountingSink());
        reset(records);
        env.execute("function alone");
        return steadyRate();
    }

    private static double throughKafka(EmbeddedKafka broker, ModelStore store, List<byte[]> pngs, int records, int round)
            throws Exception {
        String in = "bench-images-" + round;
        String out = "bench-results-" + round;
        String dead = "bench-dead-" + round;
        broker.createTopics(1, in, out, dead);
        try (ImageProducer producer = new ImageProducer(broker.bootstrapServers(), in, new Properties())) {
            for (int i = 0; i < records; i++) {
                producer.send(ImageProducer.image("r" + i, pngs.get(i % pngs.size()), ImageEncoding.PNG, Map.of()));
            }
            producer.flush();
        }
        Configuration inference = new Configuration();
        inference.set(InferenceOptions.MODEL, PaddleOcrModels.CLASSIFIER);
        inference.set(InferenceOptions.MODEL_STORE, store.root().toString());
        StreamingInferenceJob.Settings settings = new StreamingInferenceJob.Settings(broker.bootstrapServers(), in, out, dead,
                "bench-" + round, inference, new Properties(), DeliveryGuarantee.AT_LEAST_ONCE, Duration.ofSeconds(10), 1, true);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, new Configuration());
        StreamingInferenceJob.build(env, settings);
        reset(records);
        JobClient job = env.executeAsync("through Kafka");
        try (OutputReader reader = new OutputReader(broker.bootstrapServers(), out, dead, new Properties())) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (COUNT.get() < records && System.nanoTime() < deadline) {
                int arrived = reader.poll(Duration.ofMillis(100)).results().size();
                if (arrived > 0) {
                    record(arrived);
                }
            }
        }
        job.getJobExecutionResult().get(1, TimeUnit.MINUTES);
        return steadyRate();
    }

    private static void reset(long records) {
        expected = records;
        COUNT.set(0);
        STEADY_START.set(0);
        LAST.set(0);
    }

    private static void record(int arrived) {
        long now = System.nanoTime();
        long before = COUNT.getAndAdd(arrived);
        if (before < expected / 10 && before + arrived >= expected / 10) {
            STEADY_START.set(now);
        }
        LAST.set(now);
    }

    private static double steadyRate() {
        return (expected - expected / 10) / ((LAST.get() - STEADY_START.get()) / 1e9);
    }

    /** Counts results as they arrive (the MiniCluster runs in this JVM). */
    private static final class CountingSink implements Sink<InferenceResult> {
        private static final long serialVersionUID = 1L;

        @Override
        public SinkWriter<InferenceResult> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(InferenceResult result, Context ctx) {
                    record(1);
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }
}
