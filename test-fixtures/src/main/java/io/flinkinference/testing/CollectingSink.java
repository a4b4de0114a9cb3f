package io.flinkinference.testing;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A sink for MiniCluster tests, which run in this JVM: records land in a named, shared queue that
 * the test reads after the job. At-least-once, like any sink without transactions: after a restart
 * the records since the last checkpoint arrive again.
 */
public final class CollectingSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    private static final Map<String, Queue<Object>> COLLECTED = new ConcurrentHashMap<>();

    private final String name;

    private CollectingSink(String name) {
        this.name = name;
    }

    /** A sink writing to a fresh queue called {@code name}. */
    public static <T> CollectingSink<T> named(String name) {
        COLLECTED.put(name, new ConcurrentLinkedQueue<>());
        return new CollectingSink<>(name);
    }

    @SuppressWarnings("unchecked")
    public List<T> collected() {
        return new ArrayList<>((Queue<T>) (Queue<?>) COLLECTED.get(name));
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        Queue<Object> queue = COLLECTED.get(name);
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) {
                queue.add(element);
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
