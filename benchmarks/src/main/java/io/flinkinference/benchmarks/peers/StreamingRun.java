package io.flinkinference.benchmarks.peers;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs a Flink contestant's job in a local MiniCluster through one measuring window: the job
 * reads {@link OfferedTensors}, does the contestant's work, and ends in a {@link WindowSink}. The
 * window begins once the first answer is in (the model is loaded, the pipeline deployed) and the
 * workload's warm-up has passed; when it ends the job is cancelled, since its source never ends.
 */
final class StreamingRun {
    /** How long deployment and the model's loading may take before the first answer. */
    private static final Duration FIRST_ANSWER_TIMEOUT = Duration.ofMinutes(3);

    private StreamingRun() {}

    /**
     * @param pipeline the contestant's part: from the offered records to one answer per record, on one
     *     stream or several (results and failures): each gets a sink of its own rather than a union,
     *     since a sink fed by two streams cannot chain and its records would wait in network
     *     buffers, up to Flink's 100 ms buffer timeout
     */
    static void serve(StreamExecutionEnvironment env, String jobName, Workload workload, double offeredPerSecond,
            MeasuringWindow window, Function<DataStream<TensorRecord>, List<DataStream<Answer>>> pipeline) throws Exception {
        WindowRegistry.Entry entry = new WindowRegistry.Entry(window, offeredPerSecond <= 0);
        String key = WindowRegistry.register(entry);
        try {
            for (DataStream<Answer> answers : pipeline.apply(OfferedTensors.stream(env, workload, offeredPerSecond))) {
                answers.sinkTo(new WindowSink(key)).name("measuring window");
            }
            JobClient job = env.executeAsync(jobName);
            try {
                awaitFirstAnswer(job, entry);
                Thread.sleep(workload.warmUp().toMillis());
                failIfEnded(job);
                entry.begin();
                Thread.sleep(window.duration().toMillis());
                window.end();
                failIfEnded(job);
            } finally {
                cancel(job);
            }
        } finally {
            WindowRegistry.remove(key);
        }
    }

    private static void awaitFirstAnswer(JobClient job, WindowRegistry.Entry entry) throws Exception {
        long deadline = System.nanoTime() + FIRST_ANSWER_TIMEOUT.toNanos();
        while (!entry.firstAnswer.await(100, TimeUnit.MILLISECONDS)) {
            failIfEnded(job);
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("No answer within " + FIRST_ANSWER_TIMEOUT.toSeconds() + " s of submitting the job.");
            }
        }
    }

    /** The job runs until cancelled; if it ended by itself it failed, and its failure is the run's. */
    private static void failIfEnded(JobClient job) throws Exception {
        JobStatus status = job.getJobStatus().get(30, TimeUnit.SECONDS);
        if (status.isGloballyTerminalState()) {
            try {
                job.getJobExecutionResult().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw new IllegalStateException("The contestant's job failed: " + rootMessage(e), e);
            }
            throw new IllegalStateException("The contestant's job ended by itself (" + status + ") before its window was over.");
        }
    }

    private static void cancel(JobClient job) throws Exception {
        JobStatus status = job.getJobStatus().get(30, TimeUnit.SECONDS);
        if (!status.isGloballyTerminalState()) {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.toString();
    }
}
