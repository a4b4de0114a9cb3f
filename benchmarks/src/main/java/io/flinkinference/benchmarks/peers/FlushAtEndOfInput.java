package io.flinkinference.benchmarks.peers;

import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.StreamFlatMap;
import org.apache.flink.streaming.api.operators.TimestampedCollector;

/**
 * Flink's flat-map operator, plus what a function cannot do by itself: hear that its input ended
 * and emit what it still buffers. A {@code RichFlatMapFunction} only gets {@code close()}, where
 * emitting is no longer allowed.
 */
final class FlushAtEndOfInput extends StreamFlatMap<TensorRecord, Answer> implements BoundedOneInput {
    private static final long serialVersionUID = 1L;

    FlushAtEndOfInput(DjlBatchFunction function) {
        super(function);
    }

    @Override
    public void endInput() throws Exception {
        ((DjlBatchFunction) userFunction).flush(new TimestampedCollector<>(output));
    }
}
