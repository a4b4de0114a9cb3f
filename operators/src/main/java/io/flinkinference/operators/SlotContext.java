package io.flinkinference.operators;

import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.MetricGroup;

import java.util.Set;
import java.util.function.Function;

/**
 * What an {@link InferenceSlot} needs to know of the task slot it opens in: its metric group, its
 * task (the operator's parallelism sizes the engine's threads) and the TaskManager's external
 * resources (its GPUs). DataStream functions have a {@link RuntimeContext}; table functions (Flink
 * SQL's {@code ML_PREDICT}) have only a {@code FunctionContext}, which shows the same three things.
 *
 * @param externalResources the TaskManager's external resources of a name, e.g. {@code gpu}
 */
public record SlotContext(MetricGroup metricGroup, TaskInfo taskInfo,
        Function<String, Set<ExternalResourceInfo>> externalResources) {

    public static SlotContext of(RuntimeContext context) {
        return new SlotContext(context.getMetricGroup(), context.getTaskInfo(), context::getExternalResourceInfos);
    }
}
