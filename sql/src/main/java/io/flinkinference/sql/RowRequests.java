package io.flinkinference.sql;

import org.apache.flink.table.functions.FunctionContext;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Ids for the requests a predict function makes of its rows. SQL rows carry no id of their own;
 * the id only names a row in the engine's log and in failure reasons, so subtask and count do.
 */
final class RowRequests {
    private final String prefix;
    private final AtomicLong next = new AtomicLong();

    RowRequests(FunctionContext context) {
        this.prefix = "sql-" + context.getTaskInfo().getIndexOfThisSubtask() + "-";
    }

    String nextId() {
        return prefix + next.getAndIncrement();
    }
}
