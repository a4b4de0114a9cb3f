package io.flinkinference.benchmarks.peers;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The Flink contestants' source: the workload's tensors, cycled through, without end (the run
 * cancels the job when its window is over), either as a backlog or paced by Flink's
 * {@link RateLimiterStrategy}. A paced record's offered time is its scheduled time, not the moment
 * the source got round to it: a source held back by a busy pipeline then shows up as latency, as it
 * would for a real producer, instead of quietly lowering the load (coordinated omission), and
 * a record is never made before its scheduled time. A backlog record's offered time is its making.
 */
final class OfferedTensors implements GeneratorFunction<Long, TensorRecord> {
    private static final long serialVersionUID = 1L;

    private final List<byte[]> tensors;
    private final double offeredPerSecond;
    private transient double nanosBetweenRecords;
    private transient long firstNanos;
    private transient long made;

    private OfferedTensors(List<byte[]> tensors, double offeredPerSecond) {
        this.tensors = List.copyOf(tensors);
        this.offeredPerSecond = offeredPerSecond;
    }

    /**
     * The source, at the environment's parallelism; each subtask paces its share of
     * {@code offeredPerSecond} (0: a backlog).
     */
    static DataStream<TensorRecord> stream(StreamExecutionEnvironment env, Workload workload, double offeredPerSecond) {
        OfferedTensors generator = new OfferedTensors(workload.tensors(), offeredPerSecond);
        TypeInformation<TensorRecord> type = TypeInformation.of(TensorRecord.class);
        DataGeneratorSource<TensorRecord> source = offeredPerSecond > 0
                ? new DataGeneratorSource<>(generator, Long.MAX_VALUE, RateLimiterStrategy.perSecond(offeredPerSecond), type)
                : new DataGeneratorSource<>(generator, Long.MAX_VALUE, type);
        return env.fromSource(source, WatermarkStrategy.noWatermarks(),
                offeredPerSecond > 0 ? String.format("tensors at %.0f/s", offeredPerSecond) : "tensors, backlog");
    }

    @Override
    public void open(SourceReaderContext context) {
        // Flink's rate limiter gives every subtask rate / parallelism; the schedule follows it.
        nanosBetweenRecords = offeredPerSecond > 0 ? 1e9 * context.currentParallelism() / offeredPerSecond : 0;
    }

    @Override
    public TensorRecord map(Long index) {
        long now = System.nanoTime();
        long offered = now;
        if (nanosBetweenRecords > 0) {
            if (made == 0) {
                firstNanos = now;
            }
            offered = firstNanos + (long) (made * nanosBetweenRecords);
            // Flink's limiter (Guava's) lets up to a second's worth of records out at once after an
            // idle start, such as the model's loading: held to its schedule, no record exists
            // before it is offered, so none is answered "before" it was offered.
            for (long early = offered - now; early > 0; early = offered - System.nanoTime()) {
                LockSupport.parkNanos(early);
            }
        }
        made++;
        return new TensorRecord(index, offered, tensors.get((int) (index % tensors.size())));
    }
}
