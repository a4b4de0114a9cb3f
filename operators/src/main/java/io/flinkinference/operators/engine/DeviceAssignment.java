package io.flinkinference.operators.engine;

import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.apache.flink.api.common.functions.RuntimeContext;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Picks the GPU of a task slot. Flink's external-resource framework (resource name {@code gpu},
 * with Flink's GPU discovery plugin) tells which GPUs the TaskManager owns; slots are spread over
 * them by subtask index. Without it, slots are spread over the devices CUDA can see. Every
 * operator in a TaskManager sees the same GPU set, so the modulo keeps neighbours apart.
 */
public final class DeviceAssignment {
    /** The external resource name, as configured with {@code external-resources: gpu}. */
    public static final String GPU_RESOURCE = "gpu";
    /** A device index meaning "no GPU". */
    public static final int CPU = -1;

    private static final Pattern NVIDIA_DEVICE = Pattern.compile("nvidia\\d+");

    private DeviceAssignment() {}

    public static int select(RuntimeContext context, boolean usesGpu) {
        if (!usesGpu) {
            return CPU;
        }
        int subtask = context.getTaskInfo().getIndexOfThisSubtask();
        List<Integer> fromFlink = gpuIndices(context.getExternalResourceInfos(GPU_RESOURCE));
        if (!fromFlink.isEmpty()) {
            return fromFlink.get(subtask % fromFlink.size());
        }
        int visible = visibleDevices(System.getenv());
        if (visible == 0) {
            throw new EngineException(
                    "This engine needs a GPU, but this TaskManager has none: Flink's external resource 'gpu' is "
                            + "not configured and no NVIDIA device is visible (CUDA_VISIBLE_DEVICES, /dev/nvidia*). "
                            + "Configure external-resources: gpu, or use the onnxruntime engine on CPUs.");
        }
        return subtask % visible;
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
}
