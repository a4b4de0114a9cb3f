package io.flinkinference.operators.engine;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How many GPU-using subtasks of each TaskManager hold each of its GPUs. Subtask indices are
 * job-wide and say nothing about where a subtask runs, so a TaskManager spreads its own subtasks:
 * each claim gets the least-held device, and a closing subtask gives its device back for the next.
 *
 * <p>JVM-wide because every slot of a TaskManager runs in its JVM; keyed by TaskManager because a
 * MiniCluster runs several TaskManagers, each with its own GPUs, in one JVM.
 */
final class TaskManagerGpus {
    private static final TaskManagerGpus INSTANCE = new TaskManagerGpus();

    private final Map<String, Map<Integer, Integer>> holders = new HashMap<>();

    /** The JVM's registry. Tests may create their own with {@link #TaskManagerGpus()}. */
    static TaskManagerGpus instance() {
        return INSTANCE;
    }

    TaskManagerGpus() {}

    /**
     * Takes the device of {@code devices} that the fewest subtasks of {@code taskManager} hold;
     * among equals the first, so that a TaskManager's first subtasks get its devices in order.
     */
    synchronized int claim(String taskManager, List<Integer> devices) {
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("TaskManager " + taskManager + " has no GPU to claim.");
        }
        Map<Integer, Integer> held = holders.computeIfAbsent(taskManager, tm -> new HashMap<>());
        int best = devices.get(0);
        for (int device : devices) {
            if (held.getOrDefault(device, 0) < held.getOrDefault(best, 0)) {
                best = device;
            }
        }
        held.merge(best, 1, Integer::sum);
        return best;
    }

    /** Gives back a device taken with {@link #claim}. */
    synchronized void release(String taskManager, int device) {
        Map<Integer, Integer> held = holders.get(taskManager);
        if (held == null || !held.containsKey(device)) {
            return;
        }
        if (held.merge(device, -1, Integer::sum) == 0) {
            held.remove(device);
        }
        if (held.isEmpty()) {
            holders.remove(taskManager);
        }
    }

    /** How many subtasks of {@code taskManager} hold {@code device}. */
    synchronized int holders(String taskManager, int device) {
        return holders.getOrDefault(taskManager, Map.of()).getOrDefault(device, 0);
    }
}
