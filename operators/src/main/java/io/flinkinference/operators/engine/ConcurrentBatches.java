package io.flinkinference.operators.engine;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.TaskManagerOptions;

import java.util.Optional;

/**
 * How many batches may run on one engine of this JVM at once: every task slot of the TaskManager
 * may run a subtask that shares the engine, and each runs up to its {@code max-inflight} batches.
 * A CPU engine divides the machine's cores among them (ONNX Runtime's intra-op threads), since
 * each batch asking for every core oversubscribes them. {@code slotsSource} says where the slot
 * count came from, for the log line that explains the choice.
 */
public record ConcurrentBatches(int slots, int perSlot, String slotsSource) {

    public ConcurrentBatches {
        if (slots < 1 || perSlot < 1) {
            throw new IllegalArgumentException("slots and batches per slot must be at least 1, not " + slots + " and " + perSlot);
        }
    }

    public int total() {
        return slots * perSlot;
    }

    /**
     * For a subtask of this TaskManager running {@code perSlot} batches at once. The slot count is
     * {@code taskmanager.numberOfTaskSlots} of the TaskManager's configuration file (its
     * {@code FLINK_CONF_DIR}, which Flink's scripts and images set), since Flink does not show a
     * rich async function its TaskManager's configuration. Without one (a local or MiniCluster
     * run, where one JVM holds every subtask) it is the operator's parallelism.
     */
    public static ConcurrentBatches here(RuntimeContext context, int perSlot) {
        return here(context.getTaskInfo().getNumberOfParallelSubtasks(), perSlot);
    }

    /** {@link #here(RuntimeContext, int)} for a subtask of an operator of {@code parallelism}. */
    public static ConcurrentBatches here(int parallelism, int perSlot) {
        return fromConfDir(System.getenv("FLINK_CONF_DIR"), parallelism, perSlot);
    }

    /** {@link #here} with the configuration directory given ({@code null}: none). */
    static ConcurrentBatches fromConfDir(String dir, int parallelism, int perSlot) {
        if (dir == null || dir.isBlank()) {
            return of(Optional.empty(), parallelism, perSlot, "no FLINK_CONF_DIR");
        }
        try {
            Configuration flink = GlobalConfiguration.loadConfiguration(dir);
            return of(flink.getOptional(TaskManagerOptions.NUM_TASK_SLOTS), parallelism, perSlot,
                    "the configuration in " + dir + " names no slots");
        } catch (RuntimeException e) {
            // Only a thread count depends on it, so a configuration this JVM cannot read must not fail
            // the job; the reason goes into the engine's log line.
            return of(Optional.empty(), parallelism, perSlot, "the configuration in " + dir + " cannot be read: " + e.getMessage());
        }
    }

    /**
     * The choice of {@link #here}, without the environment: the configured slots win over the
     * parallelism; {@code whyNoSlots} says, when none are configured, why.
     */
    static ConcurrentBatches of(Optional<Integer> configuredSlots, int parallelism, int perSlot, String whyNoSlots) {
        return configuredSlots
                .map(slots -> new ConcurrentBatches(slots, perSlot, "taskmanager.numberOfTaskSlots"))
                .orElseGet(() -> new ConcurrentBatches(Math.max(1, parallelism), perSlot,
                        "the operator's parallelism, " + whyNoSlots));
    }

    @Override
    public String toString() {
        return slots + " slot(s) (" + slotsSource + ") x " + perSlot + " batch(es) in flight";
    }
}
