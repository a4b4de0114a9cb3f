package io.flinkinference.benchmarks.peers;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MarkedSectionTest {
    private static final String DOCUMENT = "# Benchmarks\n\nintro\n\n" + MarkedSection.BEGIN + "\nold report\nold table\n"
            + MarkedSection.END + "\n\n## Next section\n\nkept\n";

    @Test
    void replacesOnlyTheTextBetweenTheMarkers() {
        String replaced = MarkedSection.replace(DOCUMENT, "new report");

        assertThat(replaced).isEqualTo("# Benchmarks\n\nintro\n\n" + MarkedSection.BEGIN + "\nnew report\n"
                + MarkedSection.END + "\n\n## Next section\n\nkept\n");
        // Replacing again gives the same document: the markers stay for the next run.
        assertThat(MarkedSection.replace(replaced, "new report\n")).isEqualTo(replaced);
    }

    @Test
    void refusesADocumentWithoutOneSection() {
        assertThatThrownBy(() -> MarkedSection.replace("# Benchmarks\n", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MarkedSection.replace(MarkedSection.END + "\n" + MarkedSection.BEGIN, "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MarkedSection.replace(DOCUMENT + DOCUMENT, "x")).isInstanceOf(IllegalArgumentException.class);
    }
}
