package io.flinkinference.benchmarks.gpu;

import io.flinkinference.avro.ImageEncoding;
import io.flinkinference.avro.InferenceResult;
import io.flinkinference.jobs.LocalEnvironments;
import io.flinkinference.jobs.StreamingInferenceJob;
import io.flinkinference.jobs.cli.BatcherScopeConverter;
import io.flinkinference.jobs.kafka.ImageProducer;
import io.flinkinference.jobs.kafka.OutputReader;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.operators.InferenceOptions;
import io.flinkinference.samples.EmbeddedKafka;
import io.flinkinference.samples.Pacer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The card's shape end to end on one machine: JPEGs in Kafka (Avro {@code ImageRecord}) ->
 * the streaming job with {@code --engine tensorrt} (nvJPEG decode, the resize kernel and the plan
 * on the GPU, several slots sharing it) -> Kafka (Avro {@code InferenceResult}), on the embedded
 * broker and a local MiniCluster. First the capacity: a backlog written before the job starts,
 * drained as fast as the job can; then latency (event time to the result's arrival at a
 * consumer) at fixed offered loads of half and 90% of that capacity. For each it reports what
 * the results' timings say about where the time went (batch size, engine time per batch: decode,
 * resize and plan) and the process's CPU use, which name the limiting stage.
 *
 * <p>Run: {@code GpuKafkaBenchmark STORE PLAN JPEG_DIR PARALLELISM MAX_BATCH BACKLOG SECONDS [SCOPE]}, SCOPE
 * being {@code subtask} (the default) or {@code task-manager} ({@code inference.batch.scope}).
 */
public final class GpuKafkaBenchmark {
    private static final int PRODUCERS = 4;
    private static InferenceOptions.BatcherScope scope;

    private GpuKafkaBenchmark() {}

    public static void main(String[] args) throws Exception {
        ModelStore store = ModelStore.open(Path.of(args[0]).toUri());
        String plan = args[1];
        List<byte[]> jpegs = Jpegs.read(Path.of(args[2]));
        int parallelism = Integer.parseInt(args[3]);
        int maxBatch = Integer.parseInt(args[4]);
        int backlog = Integer.parseInt(args[5]);
        int seconds = Integer.parseInt(args[6]);
        scope = new BatcherScopeConverter().convert(args.length > 7 ? args[7] : "subtask");
        System.out.printf("%d JPEGs, %.1f KB on average; plan %s, parallelism %d, max batch %d, batcher per %s, %d cores%n",
                jpegs.size(), jpegs.stream().mapToInt(j -> j.length).average().orElse(0) / 1024, plan, parallelism, maxBatch,
                scope, Runtime.getRuntime().availableProcessors());
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            Run capacity = new Run(kafka, store, plan, parallelism, maxBatch, "capacity");
            capacity.produce(jpegs, backlog, 0, 0);
            capacity.drain(backlog, true);
            System.out.println("| load | offered/s | results/s | results | dead letters | lost | p50 ms | p99 ms "
                    + "| mean batch | engine ms per batch | process CPU |");
            System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            capacity.report("backlog (capacity)", 0);
            for (double fraction : new double[] {0.5, 0.9}) {
                int rate = (int) (capacity.rate() * fraction);
                Run loaded = new Run(kafka, store, plan, parallelism, maxBatch, "load" + (int) (fraction * 100));
                loaded.startJob(false);
                loaded.warmUp(jpegs.get(0));
                Thread producer = new Thread(() -> loaded.produce(jpegs, rate * seconds, rate, 1_000_000));
                producer.start();
                loaded.drain(rate * seconds, false);
                producer.join();
                loaded.report(String.format("%.0f%% of capacity", fraction * 100), rate);
            }
        }
    }

    /** One job on its own topics, and what came back. */
    private static final class Run {
        private final EmbeddedKafka kafka;
        private final String in;
        private final String out;
        private final String dead;
        private final StreamingInferenceJob.Settings settings;
        private final List<Long> latencies = new ArrayList<>();
        private final AtomicLong sent = new AtomicLong();
        private JobClient job;
        private long results;
        private long deadLetters;
        private long batchRows;
        /** Sums over results of the batch's engine time over its size, and of one over its size: per-batch sums. */
        private double engineMicros;
        private double batches;
        private long steadyStartNanos;
        private long lastNanos;
        private long steadyStartResults;
        private double cpuLoad;

        Run(EmbeddedKafka kafka, ModelStore store, String plan, int parallelism, int maxBatch, String name) {
            this.kafka = kafka;
            this.in = "images-" + name;
            this.out = "results-" + name;
            this.dead = "dead-" + name;
            kafka.createTopics(parallelism * 2, in, out, dead);
            Configuration inference = new Configuration();
            inference.set(InferenceOptions.MODEL, plan);
            inference.set(InferenceOptions.MODEL_STORE, store.root().toString());
            inference.set(InferenceOptions.ENGINE, System.getProperty("bench.engine", "tensorrt"));
            inference.set(InferenceOptions.MAX_BATCH_SIZE, maxBatch);
            inference.set(InferenceOptions.MAX_QUEUE_DELAY, Duration.ofMillis(2));
            inference.set(InferenceOptions.BATCHER_SCOPE, scope);
            settings = new StreamingInferenceJob.Settings(kafka.bootstrapServers(), in, out, dead, "bench-" + name, inference,
                    new Properties(), DeliveryGuarantee.AT_LEAST_ONCE, Duration.ofSeconds(10), parallelism, false);
        }

        void startJob(boolean bounded) throws Exception {
            StreamingInferenceJob.Settings s = new StreamingInferenceJob.Settings(settings.bootstrapServers(), in, out, dead,
                    settings.groupId(), settings.inference(), settings.kafka(), settings.deliveryGuarantee(),
                    settings.checkpointInterval(), settings.parallelism(), bounded);
            StreamExecutionEnvironment env = LocalEnvironments.create(s.parallelism());
            StreamingInferenceJob.build(env, s);
            job = env.executeAsync("gpu kafka benchmark " + in);
        }

        /** Sends {@code count} JPEGs from {@link #PRODUCERS} threads, at {@code rate} per second in all (0: as fast as possible). */
        void produce(List<byte[]> jpegs, int count, int rate, int idOffset) {
            Properties throughput = new Properties();
            throughput.put("batch.size", Integer.toString(1 << 20));
            throughput.put("linger.ms", "2");
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < PRODUCERS; t++) {
                int thread = t;
                threads.add(new Thread(() -> {
                    Pacer pacer = new Pacer((double) rate / PRODUCERS);
                    try (ImageProducer producer = new ImageProducer(kafka.bootstrapServers(), in, throughput)) {
                        for (int i = thread; i < count; i += PRODUCERS) {
                            producer.send(ImageProducer.image("img-" + (idOffset + i), jpegs.get(i % jpegs.size()),
                                    ImageEncoding.JPEG, Map.of()));
                            sent.incrementAndGet();
                            pacer.awaitNext();
                        }
                        producer.flush();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread thread : threads) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        void warmUp(byte[] jpeg) throws Exception {
            try (ImageProducer producer = new ImageProducer(kafka.bootstrapServers(), in, new Properties());
                    OutputReader reader = new OutputReader(kafka.bootstrapServers(), out, dead, new Properties())) {
                producer.send(ImageProducer.image("warm-up", jpeg, ImageEncoding.JPEG, Map.of()));
                producer.flush();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
                while (System.nanoTime() < deadline) {
                    if (reader.poll(Duration.ofMillis(200)).results().stream().anyMatch(r -> r.getId().equals("warm-up"))) {
                        return;
                    }
                }
            }
            throw new IllegalStateException("no result for the warm-up record within 180 s");
        }

        /** Reads results until {@code expected} records are back (or a minute passes without any), then stops the job. */
        void drain(long expected, boolean startJob) throws Exception {
            if (startJob) {
                startJob(false);
            }
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            double cpuSum = 0;
            int cpuSamples = 0;
            try (OutputReader reader = new OutputReader(kafka.bootstrapServers(), out, dead, new Properties())) {
                long quietSince = System.nanoTime();
                while (results + deadLetters < expected && System.nanoTime() - quietSince < TimeUnit.SECONDS.toNanos(60)) {
                    OutputReader.Batch batch = reader.poll(Duration.ofMillis(100));
                    long nowNanos = System.nanoTime();
                    long nowMillis = System.currentTimeMillis();
                    int arrived = 0;
                    for (InferenceResult result : batch.results()) {
                        if (result.getId().equals("warm-up")) {
                            continue;
                        }
                        arrived++;
                        latencies.add(nowMillis - result.getEventTimeMillis().toEpochMilli());
                        batchRows += result.getTimings().getBatchSize();
                        engineMicros += result.getTimings().getInferredMicros() / (double) result.getTimings().getBatchSize();
                        batches += 1.0 / result.getTimings().getBatchSize();
                    }
                    results += arrived;
                    deadLetters += batch.deadLetters().size();
                    if (arrived + batch.deadLetters().size() > 0) {
                        quietSince = nowNanos;
                        if (steadyStartNanos == 0 && results >= expected / 10) {
                            steadyStartNanos = nowNanos;
                            steadyStartResults = results;
                        }
                        lastNanos = nowNanos;
                        if (steadyStartNanos != 0) {
                            cpuSum += os.getProcessCpuLoad();
                            cpuSamples++;
                        }
                    }
                }
            }
            cpuLoad = cpuSamples == 0 ? 0 : cpuSum / cpuSamples;
            job.cancel().get(60, TimeUnit.SECONDS);
        }

        double rate() {
            return (results - steadyStartResults) / Math.max(1e-9, (lastNanos - steadyStartNanos) / 1e9);
        }

        void report(String load, int offered) {
            List<Long> sorted = new ArrayList<>(latencies);
            sorted.sort(null);
            long lost = sent.get() - results - deadLetters;
            System.out.printf("| %s | %s | %.0f | %d | %d | %d | %d | %d | %.1f | %.2f | %.0f%% of %d cores |%n", load,
                    offered == 0 ? "backlog" : Integer.toString(offered), rate(), results, deadLetters, lost,
                    percentile(sorted, 0.5), percentile(sorted, 0.99), results == 0 ? 0 : batchRows / (double) results,
                    batches == 0 ? 0 : engineMicros / batches / 1000.0, 100 * cpuLoad, Runtime.getRuntime().availableProcessors());
            System.out.flush();
        }

        private static long percentile(List<Long> sorted, double p) {
            return sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size())));
        }
    }
}
