package io.flinkinference.engine.tensorrt.check;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code gpu-check} found: each step's correctness verdict, and figures with their goals.
 * Lines are printed as they come (a step can take seconds) and summarised at the end.
 */
final class CheckReport {
    private final PrintWriter out;
    private final List<String> failures = new ArrayList<>();
    private final List<String> summary = new ArrayList<>();

    CheckReport(PrintWriter out) {
        this.out = out;
    }

    void say(String line) {
        out.println("  " + line);
        out.flush();
    }

    void step(String title) {
        out.println(title);
        out.flush();
    }

    /** A correctness check: a failure makes the command exit 1. */
    void check(String what, boolean passed, String detail) {
        say((passed ? "ok    " : "FAIL  ") + what + ": " + detail);
        if (!passed) {
            failures.add(what + ": " + detail);
        }
    }

    /** A measured figure against a goal; a missed goal is reported, not failed. */
    void figure(String what, double ratio, double goal, String detail) {
        String verdict = ratio >= goal ? "goal met" : "GOAL MISSED";
        String line = String.format("%-44s %s (%.2f x, goal >= %.2f x: %s)", what, detail, ratio, goal, verdict);
        say(line);
        summary.add(line);
    }

    void note(String line) {
        say(line);
        summary.add(line);
    }

    boolean passed() {
        return failures.isEmpty();
    }

    void printSummary() {
        out.println();
        out.println("summary:");
        summary.forEach(line -> out.println("  " + line));
        out.println(failures.isEmpty() ? "all checks passed" : "FAILED: " + String.join("; ", failures));
        out.flush();
    }
}
