package io.flinkinference.operators.engine;

import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.scope.ScopeFormat;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * Picks the GPU of a task slot. Flink's external-resource framework (resource name {@code gpu},
 * with Flink's GPU discovery plugin) tells which GPUs the TaskManager owns; without it, the
 * devices the engine can see ({@link EngineProvider#visibleGpus()}). The subtasks of one
 * TaskManager are spread over its GPUs by {@link TaskManagerGpus}, not by their job-wide subtask
 * index: subtasks 0 and 2 may well share a TaskManager, and the index modulo its GPU count would
 * put both on the same device.
 */
public final class DeviceAssignment {
    /** The external resource name, as configured with {@code external-resources: gpu}. */
    public static final String GPU_RESOURCE = "gpu";
    /** A device index meaning "no GPU". */
    public static final int CPU = -1;
    /** The metric, in the operator's group, that tells which GPU a subtask was given. */
    public static final String DEVICE_METRIC = "gpuDevice";

    /** The TaskManager key where the metric group names none (test harnesses): the JVM is one TaskManager. */
    static final String THIS_JVM = "this-jvm";

    private static final Pattern NVIDIA_DEVICE = Pattern.compile("nvidia\\d+");

    private DeviceAssignment() {}

    /**
     * Claims a GPU for a subtask of an operator running {@code provider}'s engines, or
     * {@link #CPU} for CPU engines. Close the claim when the subtask closes, so that the device
     * counts as free again for the TaskManager's next subtask.
     */
    public static Claim claim(RuntimeContext context, EngineProvider provider) {
        return claim(context.getMetricGroup(), context.getExternalResourceInfos(GPU_RESOURCE), provider);
    }

    /**
     * {@link #claim(RuntimeContext, EngineProvider)} for functions without a {@link RuntimeContext}
     * (table functions): the subtask's metric group and its TaskManager's {@code gpu} resources.
     */
    public static Claim claim(MetricGroup metricGroup, Set<ExternalResourceInfo> gpus, EngineProvider provider) {
        if (!provider.usesGpu()) {
            return new Claim(null, CPU);
        }
        List<Integer> devices = gpuIndices(gpus);
        if (devices.isEmpty()) {
            int visible = provider.visibleGpus();
            if (visible == 0) {
                throw new EngineException("The " + provider.name() + " engine needs a GPU, but this TaskManager has none: "
                        + "Flink's external resource 'gpu' is not configured and no NVIDIA device is visible "
                        + "(CUDA_VISIBLE_DEVICES, /dev/nvidia*). Configure external-resources: gpu, or use the "
                        + "onnxruntime engine on CPUs.");
            }
            devices = IntStream.range(0, visible).boxed().toList();
        }
        String taskManager = taskManager(metricGroup);
        int device = TaskManagerGpus.instance().claim(taskManager, devices);
        // Which GPU a subtask runs on, for dashboards and for telling apart one overloaded device.
        metricGroup.gauge(DEVICE_METRIC, (Gauge<Integer>) () -> device);
        return new Claim(taskManager, device);
    }

    /** The TaskManager a subtask runs in, as its metric group names it. */
    private static String taskManager(MetricGroup metricGroup) {
        String id = metricGroup.getAllVariables().get(ScopeFormat.SCOPE_TASKMANAGER_ID);
        return id == null ? THIS_JVM : id;
    }

    /** GPU indices from Flink's GPU driver ({@code index} property), sorted. */
    static List<Integer> gpuIndices(Set<ExternalResourceInfo> infos) {
        List<Integer> indices = new ArrayList<>();
        for (ExternalResourceInfo info : infos) {
            info.getProperty("index").ifPresent(index -> indices.add(Integer.parseInt(index.trim())));
        }
        indices.sort(null);
        return indices;
    }

    /** Devices CUDA would number 0..n-1: CUDA_VISIBLE_DEVICES when set, else /dev/nvidiaN. */
    static int visibleDevices(Map<String, String> environment) {
        String visible = environment.get("CUDA_VISIBLE_DEVICES");
        if (visible != null) {
            String trimmed = visible.trim();
            return trimmed.isEmpty() || trimmed.equals("-1") || trimmed.equalsIgnoreCase("none")
                    ? 0 : trimmed.split(",").length;
        }
        String[] devices = new File("/dev").list((dir, name) -> NVIDIA_DEVICE.matcher(name).matches());
        return devices == null ? 0 : devices.length;
    }

    /** A subtask's device; closing it gives a GPU back to its TaskManager, once. */
    public static final class Claim implements AutoCloseable {
        private final String taskManager;
        private final int device;
        private boolean released;

        private Claim(String taskManager, int device) {
            this.taskManager = taskManager;
            this.device = device;
        }

        /** The GPU index, or {@link #CPU}. */
        public int device() {
            return device;
        }

        @Override
        public synchronized void close() {
            if (released || device == CPU) {
                return;
            }
            released = true;
            TaskManagerGpus.instance().release(taskManager, device);
        }
    }
}
