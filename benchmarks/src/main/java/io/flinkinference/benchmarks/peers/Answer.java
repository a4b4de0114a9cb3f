package io.flinkinference.benchmarks.peers;

/** A record's end as the window sink hears of it: answered (or failed), and when it had been offered. */
public record Answer(long offeredNanos, boolean failed) {
    public static Answer of(TensorRecord record) {
        return new Answer(record.offeredNanos(), false);
    }
}
