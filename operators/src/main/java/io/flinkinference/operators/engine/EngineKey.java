package io.flinkinference.operators.engine;

/** What makes two engines the same, so that they can be shared within a JVM. */
public record EngineKey(String engine, String model, int version, int device) {
    @Override
    public String toString() {
        return engine + "/" + model + ":" + version + "@" + (device < 0 ? "cpu" : "gpu" + device);
    }
}
