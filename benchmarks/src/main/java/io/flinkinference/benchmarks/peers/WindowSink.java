package io.flinkinference.benchmarks.peers;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/** The end of a Flink contestant's job: every answer goes to the run's measuring window. */
final class WindowSink implements Sink<Answer> {
    private static final long serialVersionUID = 1L;
    private final String key;

    WindowSink(String key) {
        this.key = key;
    }

    @Override
    public SinkWriter<Answer> createWriter(WriterInitContext context) {
        WindowRegistry.Entry entry = WindowRegistry.get(key);
        return new SinkWriter<>() {
            @Override
            public void write(Answer answer, Context ctx) {
                entry.answered(answer);
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
