package io.flinkinference.benchmarks.peers;

import io.flinkinference.jobs.LocalEnvironments;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.util.List;

/**
 * DJL with its ONNX Runtime engine in a Flink job, in a local MiniCluster: offered tensors ->
 * DJL function -> window, at parallelism {@code threads} with 1 intra-op thread per subtask, so
 * that it uses the same cores as the others. One {@code predict} per record
 * ({@value #PER_RECORD}), or {@code batchPredict} over fixed batches ({@code djl-batch-N}).
 */
public final class DjlContestant implements Contestant {
    public static final String PER_RECORD = "djl-per-record";
    public static final String BATCH_32 = "djl-batch-32";

    private final int batchSize;

    /** @param batchSize 1 for one predict per record, more for that fixed batch */
    public DjlContestant(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("Batch size must be at least 1, not " + batchSize);
        }
        this.batchSize = batchSize;
    }

    @Override
    public String name() {
        return batchSize == 1 ? PER_RECORD : "djl-batch-" + batchSize;
    }

    @Override
    public boolean usesKafka() {
        return false;
    }

    @Override
    public void run(Workload workload, double offeredPerSecond, MeasuringWindow window) throws Exception {
        DjlModel model = DjlModel.prepare(workload.model(), workload.tensorShape(), ScratchDirectory.get());
        // Source and DJL function at the same parallelism, chained: each subtask paces and serves its share.
        StreamExecutionEnvironment env = LocalEnvironments.create(workload.threads());
        env.getConfig().enableObjectReuse();
        StreamingRun.serve(env, "peers: " + name(), workload, offeredPerSecond, window, records -> List.of(batchSize == 1
                ? records.map(new DjlPerRecordFunction(model)).name(name())
                : records.transform(name(), TypeInformation.of(Answer.class),
                        new FlushAtEndOfInput(new DjlBatchFunction(model, batchSize)))));
    }
}
