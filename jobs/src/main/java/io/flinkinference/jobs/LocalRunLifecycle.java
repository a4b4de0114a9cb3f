package io.flinkinference.jobs;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The end of a local {@code run}, whose MiniCluster dies with the process: it waits for the job,
 * and on Ctrl-C (a shutdown hook, removed once the job has ended) stops it with a savepoint in the
 * run's {@link LocalJobState} folder, which the next run resumes from; if that fails it cancels,
 * and the retained checkpoints remain to resume from.
 */
final class LocalRunLifecycle {
    private static final long SAVEPOINT_SECONDS = 60;

    private final JobClient job;
    private final LocalJobState state;
    private final Optional<Path> resumedFrom;
    private final PrintWriter out;
    private final PrintWriter err;

    LocalRunLifecycle(JobClient job, LocalJobState state, Optional<Path> resumedFrom, PrintWriter out, PrintWriter err) {
        this.job = job;
        this.state = state;
        this.resumedFrom = resumedFrom;
        this.out = out;
        this.err = err;
    }

    /** Says where the job resumed from, then waits until it ends (bounded input) or the process is stopped. */
    void awaitEnd(boolean bounded) throws Exception {
        out.println(resumedFrom.map(point -> "Resumed from " + point + ".")
                .orElse("No earlier state in " + state.folder() + ": started from the group's committed offsets."));
        Thread stopOnExit = new Thread(this::stopWithSavepoint, "stop-job-on-exit");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        out.println(bounded ? "Running until the input read at start is done ..." : "Running; stop with Ctrl-C.");
        out.flush();
        try {
            job.getJobExecutionResult().get();
        } catch (ExecutionException e) {
            resumedFrom.ifPresent(point -> err.println("The job had resumed from " + point
                    + "; if it cannot run on that state (another model's state, or the job changed), pass another "
                    + "--state-dir or delete " + state.folder() + " to start from the group's committed offsets."));
            throw e;
        } finally {
            removeHook(stopOnExit);
        }
        out.println("Job finished.");
    }

    /** Its exactly-once transactions commit with the savepoint. */
    private void stopWithSavepoint() {
        try {
            String savepoint = job.stopWithSavepoint(false, state.savepoints().toUri().toString(), SavepointFormatType.CANONICAL)
                    .get(SAVEPOINT_SECONDS, TimeUnit.SECONDS);
            out.println("Stopped with a savepoint at " + savepoint + "; the next run resumes from it.");
        } catch (Exception e) {
            out.println("Could not stop with a savepoint (" + e.getMessage() + "); cancelling. The next run resumes from "
                    + "the last checkpoint in " + state.folder() + ".");
            job.cancel().join();
        }
        out.flush();
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down and the hook is running: nothing to remove.
        }
    }
}
