package io.flinkinference.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The soak's report on made-up runs of 60 s sampled every 5 s: what it judges and what it prints. */
class SoakReportTest {
    private static final long MIB = 1L << 20;

    @Test
    void aFlatRunWithEveryRecordBackPassesAndTheTableListsEverySample() throws Exception {
        SoakReport report = report(samples(0), 6000, 6000, 0);

        assertThat(report.passed()).isTrue();
        assertThat(report.verdicts()).extracting(GrowthCheck.Verdict::metric)
                .containsExactly(SoakReport.HEAP, SoakReport.DIRECT, SoakReport.RSS);
        String text = report.text();
        assertThat(text.lines().filter(line -> line.startsWith("|"))).hasSize(2 + 12);
        assertThat(text).contains("heap after GC MiB", "direct MiB", "RSS MiB", "p99 ms", "6000 sent, 6000 answered, 0 failed, 0 lost")
                .contains("heap after GC flat:", "direct memory flat:", "RSS flat:", "Soak passed");
        JsonNode json = new ObjectMapper().readTree(report.json());
        assertThat(json.get("passed").asBoolean()).isTrue();
        assertThat(json.get("samples")).hasSize(12);
        assertThat(json.get("samples").get(0).get("p99Millis").isNull()).isTrue(); // no record in the first interval
    }

    @Test
    void growthOrARecordLostOrFailedFailsItAndSaysWhich() {
        SoakReport leaking = report(samples(10 * MIB), 6000, 6000, 0);
        assertThat(leaking.passed()).isFalse();
        assertThat(leaking.problems()).singleElement().asString().startsWith("RSS GREW:");
        assertThat(leaking.text()).contains("Soak FAILED: RSS GREW:");

        SoakReport lossy = report(samples(0), 6000, 5990, 3);
        assertThat(lossy.problems()).containsExactly(
                "3 of 6000 records failed in the function; the first: bench-7 [INFERENCE]: boom",
                "7 of 6000 records were sent and neither answered nor failed");
    }

    /** Heap, direct memory flat; RSS rising by {@code rssPerSample} each sample. */
    private static List<SoakSample> samples(long rssPerSample) {
        List<SoakSample> samples = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            samples.add(new SoakSample(i, 5.0 * i, 90 * MIB, 256 * MIB, 60 * MIB, 700 * MIB + i * rssPerSample, i == 1 ? 0 : 500, 5.0,
                    i == 1 ? Double.NaN : 12.5));
        }
        return samples;
    }

    private static SoakReport report(List<SoakSample> samples, long sent, long answered, long failed) {
        SoakRun.Result run = new SoakRun.Result(100, Duration.ofSeconds(60), Duration.ofSeconds(5), sent, answered, failed,
                failed == 0 ? null : "bench-7 [INFERENCE]: boom", 60.2, samples);
        return SoakReport.of("ppocr-cls:1", "onnxruntime", "synthetic tensors", 32, 125, 0.8, run);
    }
}
