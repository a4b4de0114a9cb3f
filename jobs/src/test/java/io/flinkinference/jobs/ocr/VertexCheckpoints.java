package io.flinkinference.jobs.ocr;

import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.checkpoint.AbstractCheckpointStats;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.RestoredCheckpointStats;
import org.apache.flink.runtime.checkpoint.TaskStateStats;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionJobVertex;
import org.apache.flink.runtime.jobgraph.JobVertexID;
import org.apache.flink.runtime.minicluster.MiniCluster;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;

/**
 * How much state one vertex of a running job has in its checkpoints, from Flink's own checkpoint
 * statistics: whether a checkpoint holds anything of an operator beyond its empty state.
 */
final class VertexCheckpoints {
    /** One completed checkpoint and the vertex's state size in it (all subtasks). */
    record Checkpointed(long checkpointId, long stateSize) {}

    private final MiniCluster cluster;
    private final JobID job;
    private final String vertexName;

    VertexCheckpoints(MiniCluster cluster, JobID job, String vertexName) {
        this.cluster = cluster;
        this.job = job;
        this.vertexName = vertexName;
    }

    /** The newest completed checkpoint, if any. */
    Optional<Checkpointed> latestCompleted() throws Exception {
        AccessExecutionGraph graph = graph();
        AbstractCheckpointStats latest = graph.getCheckpointStatsSnapshot().getHistory().getLatestCompletedCheckpoint();
        return latest == null ? Optional.empty() : Optional.of(sized(latest, vertex(graph)));
    }

    /** The checkpoint the job last restored, if it restored one and its statistics are still kept. */
    Optional<Checkpointed> restored() throws Exception {
        AccessExecutionGraph graph = graph();
        CheckpointStatsSnapshot stats = graph.getCheckpointStatsSnapshot();
        RestoredCheckpointStats restored = stats.getLatestRestoredCheckpoint();
        if (restored == null) {
            return Optional.empty();
        }
        AbstractCheckpointStats checkpoint = stats.getHistory().getCheckpointById(restored.getCheckpointId());
        return checkpoint == null ? Optional.empty() : Optional.of(sized(checkpoint, vertex(graph)));
    }

    private AccessExecutionGraph graph() throws Exception {
        return cluster.getExecutionGraph(job).get(30, TimeUnit.SECONDS);
    }

    private JobVertexID vertex(AccessExecutionGraph graph) {
        return StreamSupport.stream(graph.getVerticesTopologically().spliterator(), false)
                .filter(v -> v.getName().contains(vertexName))
                .map(AccessExecutionJobVertex::getJobVertexId)
                .findFirst()
                .orElseThrow(() -> new AssertionError("The job has no vertex named " + vertexName));
    }

    private static Checkpointed sized(AbstractCheckpointStats checkpoint, JobVertexID vertex) {
        TaskStateStats task = checkpoint.getTaskStateStats(vertex);
        return new Checkpointed(checkpoint.getCheckpointId(), task == null ? 0 : task.getStateSize());
    }
}
