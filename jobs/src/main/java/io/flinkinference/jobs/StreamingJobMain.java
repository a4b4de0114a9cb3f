package io.flinkinference.jobs;

import io.flinkinference.jobs.cli.CliErrors;
import picocli.CommandLine;

/**
 * Entry point of the job jar for {@code flink run flink-inference-job.jar [run options]} and
 * application mode: the same options as {@code flink-inference run}, with the environment the
 * cluster provides. It only builds and submits the job: no check of a local GPU (in application
 * mode this runs in the JobManager), no hook that cancels the job when the client exits, and it
 * returns at once when detached ({@code flink run -d}).
 */
public final class StreamingJobMain {
    private StreamingJobMain() {}

    public static void main(String[] args) {
        submit(args);
    }

    /** What main does; returns the command, which holds the submitted job. */
    static RunCommand submit(String[] args) {
        return submit(RunCommand.clusterEntryPoint(), args);
    }

    static RunCommand submit(RunCommand command, String[] args) {
        int status = new CommandLine(command).setExecutionExceptionHandler(new CliErrors()).execute(args);
        if (status != 0) {
            throw new IllegalStateException("flink-inference run failed with status " + status + " (see the message above)");
        }
        return command;
    }
}
