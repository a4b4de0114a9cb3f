package io.flinkinference.benchmarks.peers;

/** One run of the suite: which round, at which load point, and what the contestant's JVM reported. */
public record SuiteRun(int round, LoadPoint load, RunResult result) {
    public String model() {
        return result.model();
    }

    public String contestant() {
        return result.contestant();
    }
}
