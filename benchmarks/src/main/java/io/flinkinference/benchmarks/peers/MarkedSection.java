package io.flinkinference.benchmarks.peers;

/**
 * Replaces the text between two marker lines of a document (BENCHMARKS.md's
 * {@value #BEGIN} / {@value #END}), leaving everything else as it was.
 */
final class MarkedSection {
    static final String BEGIN = "<!-- peer-suite:begin -->";
    static final String END = "<!-- peer-suite:end -->";

    private MarkedSection() {}

    static String replace(String document, String content) {
        int begin = document.indexOf(BEGIN);
        int end = document.indexOf(END);
        if (begin < 0 || end < 0 || end < begin) {
            throw new IllegalArgumentException("The document has no " + BEGIN + " ... " + END + " section to replace.");
        }
        if (document.indexOf(BEGIN, begin + 1) >= 0 || document.indexOf(END, end + 1) >= 0) {
            throw new IllegalArgumentException("The document has more than one peer-suite section.");
        }
        String body = content.endsWith("\n") ? content : content + "\n";
        return document.substring(0, begin + BEGIN.length()) + "\n" + body + document.substring(end);
    }
}
