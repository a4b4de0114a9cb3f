package io.flinkinference.benchmarks.peers;

import io.flinkinference.avro.InferenceResult;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What a user writes instead of the project: a Kafka consumer loop around ONNX Runtime, on
 * {@code workload.threads()} threads of one consumer group (one input partition each), each with
 * its own session of one intra-op thread ({@link HandWrittenConsumerLoop}), classifying one record
 * at a time ({@code kafka-loop-per-record}) or in naive fixed batches ({@code kafka-loop-batch-32}).
 * It writes without transactions, so its answers are read as they are written.
 */
public final class KafkaLoopContestant implements Contestant {
    private final int batchSize;
    private final Consumer<InferenceResult> answers;

    /** @param batchSize records per ONNX Runtime run: 1 for one at a time */
    public KafkaLoopContestant(int batchSize) {
        this(batchSize, answer -> { });
    }

    /** @param answers sees every answer the loop wrote, as read back from its topic */
    KafkaLoopContestant(int batchSize, Consumer<InferenceResult> answers) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("A batch holds at least one record, not " + batchSize);
        }
        this.batchSize = batchSize;
        this.answers = answers;
    }

    @Override
    public String name() {
        return batchSize == 1 ? "kafka-loop-per-record" : "kafka-loop-batch-" + batchSize;
    }

    @Override
    public boolean usesKafka() {
        return true;
    }

    @Override
    public void run(Workload workload, double offeredPerSecond, MeasuringWindow window) throws Exception {
        try (KafkaLoad load = KafkaLoad.open(workload, name())) {
            List<HandWrittenConsumerLoop> loops = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            try {
                for (int i = 0; i < workload.threads(); i++) {
                    HandWrittenConsumerLoop loop = new HandWrittenConsumerLoop(load.topics(), workload.model(), batchSize);
                    loops.add(loop);
                    Thread thread = new Thread(loop, name() + "-" + i);
                    threads.add(thread);
                    thread.start();
                }
                load.drive(offeredPerSecond, window, false, answers, () -> loops.forEach(HandWrittenConsumerLoop::checkServing));
            } finally {
                loops.forEach(HandWrittenConsumerLoop::stop);
                for (Thread thread : threads) {
                    thread.join();
                }
            }
        }
    }
}
