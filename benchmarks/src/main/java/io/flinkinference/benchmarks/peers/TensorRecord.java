package io.flinkinference.benchmarks.peers;

/**
 * One record as the Flink contestants' source offers it: the workload's tensor (little-endian
 * float32, batch dimension 1) and when it was offered, by this JVM's {@link System#nanoTime}.
 */
public record TensorRecord(long index, long offeredNanos, byte[] tensor) {}
