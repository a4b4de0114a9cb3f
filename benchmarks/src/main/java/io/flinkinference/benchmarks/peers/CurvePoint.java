package io.flinkinference.benchmarks.peers;

/**
 * One point of the raw engine's throughput curve: a configuration of callers and intra-op threads
 * at one batch size, with the p50/p99 of one {@code infer} call (the whole batch's).
 *
 * @param configuration how the engine was driven, e.g. "2 callers, 1 intra-op thread each"
 */
public record CurvePoint(String configuration, int batchSize, int callers, double recordsPerSecond,
        double p50Millis, double p99Millis) {}
