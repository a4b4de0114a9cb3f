package io.flinkinference.jobs.cluster;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.rest.messages.EmptyRequestBody;
import org.apache.flink.runtime.rest.messages.JobMessageParameters;
import org.apache.flink.runtime.rest.messages.JobVertexDetailsHeaders;
import org.apache.flink.runtime.rest.messages.JobVertexDetailsInfo;
import org.apache.flink.runtime.rest.messages.JobVertexMessageParameters;
import org.apache.flink.runtime.rest.messages.checkpoints.CheckpointingStatistics;
import org.apache.flink.runtime.rest.messages.checkpoints.CheckpointingStatisticsHeaders;
import org.apache.flink.runtime.rest.messages.job.JobDetailsInfo;
import org.apache.flink.runtime.rest.messages.job.SubtaskExecutionAttemptDetailsInfo;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * A job on the standalone cluster as its REST API describes it (what the web UI shows): status,
 * where its subtasks run, its checkpoints.
 */
public final class ClusterJob {
    private static final long TIMEOUT_SECONDS = 10;

    private final RestClusterClient<?> rest;
    private final JobID id;

    public ClusterJob(RestClusterClient<?> rest, JobID id) {
        this.rest = rest;
        this.id = id;
    }

    public JobID id() {
        return id;
    }

    public JobStatus status() throws Exception {
        return rest.getJobStatus(id).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * Whether every subtask of every vertex runs. The job's own status says RUNNING as soon as it
     * is scheduled, also while its tasks still wait for slots or deploy after a restart.
     */
    public boolean allSubtasksRunning() throws Exception {
        JobDetailsInfo details = rest.getJobDetails(id).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return details.getJobStatus() == JobStatus.RUNNING && details.getJobVertexInfos().stream()
                .allMatch(vertex -> vertex.getTasksPerState().getOrDefault(ExecutionState.RUNNING, 0) == vertex.getParallelism());
    }

    /** The TaskManagers (resource ids, as the script names them: taskmanager-N) running a subtask of this job now. */
    public Set<String> taskManagers() throws Exception {
        Set<String> taskManagers = new TreeSet<>();
        for (JobDetailsInfo.JobVertexDetailsInfo vertex : rest.getJobDetails(id).get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .getJobVertexInfos()) {
            JobVertexMessageParameters parameters = JobVertexDetailsHeaders.getInstance().getUnresolvedMessageParameters();
            parameters.jobPathParameter.resolve(id);
            parameters.jobVertexIdPathParameter.resolve(vertex.getJobVertexID());
            JobVertexDetailsInfo subtasks = rest.sendRequest(JobVertexDetailsHeaders.getInstance(), parameters,
                    EmptyRequestBody.getInstance()).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            for (SubtaskExecutionAttemptDetailsInfo subtask : subtasks.getSubtasks()) {
                if (subtask.getStatus() == ExecutionState.RUNNING) {
                    taskManagers.add(subtask.getTaskmanagerId());
                }
            }
        }
        return taskManagers;
    }

    /** The job's checkpoint statistics: counts, the latest completed one, the one it restored from. */
    public CheckpointingStatistics checkpoints() throws Exception {
        JobMessageParameters parameters = CheckpointingStatisticsHeaders.getInstance().getUnresolvedMessageParameters();
        parameters.jobPathParameter.resolve(id);
        return rest.sendRequest(CheckpointingStatisticsHeaders.getInstance(), parameters, EmptyRequestBody.getInstance())
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    public long completedCheckpoints() throws Exception {
        return checkpoints().getCounts().getNumberCompletedCheckpoints();
    }

    /** Waits until {@code more} checkpoints beyond those completed now have completed. */
    public void awaitMoreCheckpoints(int more, Duration timeout) throws Exception {
        long target = completedCheckpoints() + more;
        Await.until(more + " more completed checkpoints of job " + id, timeout, () -> completedCheckpoints() >= target);
    }

    /** Cancels the job and waits until the cluster reports it cancelled. */
    public void cancel(Duration timeout) throws Exception {
        rest.cancel(id).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Await.until("job " + id + " to be cancelled", timeout, () -> status() == JobStatus.CANCELED);
    }
}
