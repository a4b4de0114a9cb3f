package io.flinkinference.benchmarks.peers;

/** One of issue 18's goals, judged on the figures of one model: met, missed, or not measured. */
record Verdict(String goal, Status status, String detail) {
    enum Status {
        MET("met"),
        MISSED("missed"),
        NOT_MEASURED(Figures.NOT_MEASURED);

        final String label;

        Status(String label) {
            this.label = label;
        }
    }

    static Verdict notMeasured(String goal, String why) {
        return new Verdict(goal, Status.NOT_MEASURED, why);
    }

    String markdown() {
        return "- " + goal + ": **" + status.label + "**" + (detail.isEmpty() ? "" : " (" + detail + ")");
    }
}
