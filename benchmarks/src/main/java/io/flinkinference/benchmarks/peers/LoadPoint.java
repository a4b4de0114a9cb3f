package io.flinkinference.benchmarks.peers;

/**
 * Where on its own curve a contestant is measured: at capacity (a backlog, offered as fast as it
 * takes records), or paced at a fraction of its median capacity so far. Each contestant is paced
 * against its own capacity, so "half load" means the same thing for a fast and a slow one.
 */
public enum LoadPoint {
    CAPACITY(0, "capacity"),
    HALF(0.5, "50% load"),
    NINETY(0.9, "90% load");

    private final double fraction;
    private final String label;

    LoadPoint(double fraction, String label) {
        this.fraction = fraction;
        this.label = label;
    }

    /** The share of the contestant's capacity offered; 0 for the backlog. */
    public double fraction() {
        return fraction;
    }

    public String label() {
        return label;
    }
}
