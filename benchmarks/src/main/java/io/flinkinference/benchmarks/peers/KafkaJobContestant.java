package io.flinkinference.benchmarks.peers;

import io.flinkinference.avro.InferenceResult;
import io.flinkinference.jobs.LocalEnvironments;
import io.flinkinference.jobs.StreamingInferenceJob;
import io.flinkinference.operators.InferenceOptions;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The project's streaming job ({@link StreamingInferenceJob}, the classify pipeline) on a
 * MiniCluster in this JVM: Kafka in, the job, Kafka out, with the settings {@code flink-inference
 * run -b BROKER --model MODEL --parallelism THREADS} gives it (at-least-once, checkpoints every
 * 10 s, the function's default batching and engine threads) and the workload's model from its
 * store. Its parallelism is the thread budget, as the DJL contestants' and the hand-written loop's
 * threads are, and as a TaskManager with a slot per core runs it: decoding and preprocessing run
 * on the task threads, so one subtask would leave the other cores to the engine alone (on 16 cores
 * at parallelism 1 the job reached 12% of the raw engine, the loop with 16 threads 31%).
 *
 * <p>Its answers are read as they are written ({@code read_uncommitted}): at-least-once writes no
 * transactions, so there is nothing uncommitted to leave out. With exactly-once the job would
 * write each checkpoint's answers in a transaction that a {@code read_committed} reader sees only
 * when the checkpoint completes, and every latency would then include the wait for the next
 * checkpoint: half the interval on average, up to all of it, 5 to 10 s with the default 10 s,
 * which would measure the checkpoint interval and not the job.
 *
 * <p>The function's default intra-op threads divide this machine's cores among the batches in
 * flight; the workload's thread budget holds when it is the machine's cores, as the suite runs it.
 */
public final class KafkaJobContestant implements Contestant {
    /** What {@code flink-inference run} checkpoints with unless told otherwise ({@code --checkpoint-interval}). */
    private static final Duration RUN_CHECKPOINT_INTERVAL = Duration.ofSeconds(10);
    private static final long STOP_TIMEOUT_SECONDS = 60;

    private final Consumer<InferenceResult> answers;

    public KafkaJobContestant() {
        this(answer -> { });
    }

    /** @param answers sees every answer the job wrote, as read back from its topic */
    KafkaJobContestant(Consumer<InferenceResult> answers) {
        this.answers = answers;
    }

    @Override
    public String name() {
        return "function-kafka";
    }

    @Override
    public boolean usesKafka() {
        return true;
    }

    @Override
    public void run(Workload workload, double offeredPerSecond, MeasuringWindow window) throws Exception {
        try (KafkaLoad load = KafkaLoad.open(workload, name())) {
            StreamingInferenceJob.Settings settings = settings(workload, load.topics());
            StreamingInferenceJob.preflight(settings);
            StreamExecutionEnvironment env = LocalEnvironments.create(settings.parallelism());
            StreamingInferenceJob.build(env, settings);
            JobClient job = env.executeAsync("flink-inference " + settings.model() + " " + settings.inputTopic() + " -> "
                    + settings.outputTopic());
            try {
                load.drive(offeredPerSecond, window, settings.deliveryGuarantee() == DeliveryGuarantee.EXACTLY_ONCE, answers,
                        () -> checkRunning(job));
            } finally {
                stop(job);
            }
        }
    }

    /** The settings of {@code flink-inference run} with only the broker, topics, group and model given. */
    static StreamingInferenceJob.Settings settings(Workload workload, RunTopics topics) {
        Configuration inference = new Configuration();
        inference.set(InferenceOptions.MODEL, workload.model().ref().toString());
        inference.set(InferenceOptions.MODEL_STORE, workload.model().storeRoot().toString());
        return new StreamingInferenceJob.Settings(topics.bootstrapServers(), topics.images(), topics.answers(),
                topics.deadLetters(), topics.groupId("job"), inference, new Properties(), DeliveryGuarantee.AT_LEAST_ONCE,
                RUN_CHECKPOINT_INTERVAL, workload.threads(), false);
    }

    /**
     * A job that is restarting (or has stopped) replays records and is not serving: its run
     * measures nothing.
     */
    private static void checkRunning(JobClient job) throws Exception {
        JobStatus status = job.getJobStatus().get(10, TimeUnit.SECONDS);
        if (status != JobStatus.RUNNING && status != JobStatus.CREATED && status != JobStatus.INITIALIZING) {
            throw new IllegalStateException("The streaming job is " + status + " (a task failed; see the log above)");
        }
    }

    /** Cancels the job and waits for its end, after which its MiniCluster shuts down. */
    private static void stop(JobClient job) throws Exception {
        if (job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState()) {
            return;
        }
        job.cancel().get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        try {
            job.getJobExecutionResult().get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException cancelled) {
            // The result of a cancelled job is an exception that says so.
        }
    }
}
