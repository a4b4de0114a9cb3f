package io.flinkinference.benchmarks.peers;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RunResultTest {
    @Test
    void aResultSurvivesItsJsonLine() {
        RunResult result = new RunResult("raw-ort", "ppocr-cls:1", 0, 9000, 10.01, 899.1, 8.5, 12.25, 20.5, 2, 1.1, 95.5, 610.25,
                List.of(new CurvePoint("1 caller, automatic threads", 8, 1, 899.1, 8.5, 12.25)));

        String line = result.toJson();

        assertThat(line).doesNotContain("\n").startsWith("{");
        assertThat(RunResult.fromJson(line)).isEqualTo(result);
    }

    @Test
    void aLineThatIsNoResultIsRefused() {
        assertThatThrownBy(() -> RunResult.fromJson("Job has been submitted")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void residentMemoryIsReadFromTheStatusFile() {
        String status = "Name:\tjava\nVmPeak:\t 9999 kB\nVmRSS:\t  123456 kB\nRssAnon:\t 1 kB\n";
        assertThat(ResourcePeaks.parseVmRss(status)).isEqualTo(123456L * 1024);
        assertThat(ResourcePeaks.parseVmRss("Name:\tjava\n")).isZero();
    }
}
