package io.flinkinference.jobs;

import io.flinkinference.jobs.cli.CliErrors;
import picocli.CommandLine;

/**
 * Entry point of the job jar for {@code flink run flink-inference-job.jar [run options]}: the same
 * options as {@code flink-inference run}, with the environment that {@code flink run} provides.
 */
public final class StreamingJobMain {
    private StreamingJobMain() {}

    public static void main(String[] args) {
        int status = new CommandLine(new RunCommand()).setExecutionExceptionHandler(new CliErrors()).execute(args);
        if (status != 0) {
            throw new IllegalStateException("flink-inference run failed with status " + status + " (see the message above)");
        }
    }
}
