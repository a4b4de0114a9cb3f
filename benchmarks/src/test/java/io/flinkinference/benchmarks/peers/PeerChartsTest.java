package io.flinkinference.benchmarks.peers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PeerChartsTest {
    private static final String MODEL = "ppocr-cls:1";

    private static RunResult result(String contestant, double rate, double p50, double p99, List<CurvePoint> curve) {
        return new RunResult(contestant, MODEL, rate, 1000, 10, rate, p50, p99, p99, 0, 1, 300, 900, curve);
    }

    @Test
    void writesBothChartsOfAModelAsReadablePngsOfTheirSize(@TempDir Path folder) throws Exception {
        List<CurvePoint> curve = List.of(new CurvePoint("1 caller, automatic threads", 1, 1, 400, 2, 3),
                new CurvePoint("1 caller, automatic threads", 8, 1, 900, 9, 10),
                new CurvePoint("2 callers, 1 intra-op thread each", 1, 2, 500, 4, 5),
                new CurvePoint("2 callers, 1 intra-op thread each", 8, 2, 1500, 10, 11));
        PeerReport report = new PeerReport(List.of(
                new SuiteRun(1, LoadPoint.CAPACITY, result(Contestants.RAW_ORT, 1500, 10, 11, curve)),
                new SuiteRun(1, LoadPoint.HALF, result(Contestants.FUNCTION, 450, 2, 9, List.of())),
                new SuiteRun(1, LoadPoint.NINETY, result(Contestants.FUNCTION, 810, 5, 30, List.of()))), List.of());

        List<PeerReport.ChartLink> links = PeerCharts.write(report, MODEL, folder, "bench/");

        assertThat(links).extracting(PeerReport.ChartLink::path).containsExactly(
                "bench/peers-ppocr-cls-1-throughput-by-batch.png", "bench/peers-ppocr-cls-1-latency-by-load.png");
        for (String file : List.of("peers-ppocr-cls-1-throughput-by-batch.png", "peers-ppocr-cls-1-latency-by-load.png")) {
            BufferedImage image = ImageIO.read(folder.resolve(file).toFile());
            assertThat(image).as(file).isNotNull();
            assertThat(image.getWidth()).isEqualTo(PeerCharts.WIDTH);
            assertThat(image.getHeight()).isEqualTo(PeerCharts.HEIGHT);
        }
    }

    @Test
    void aModelWithNothingToDrawGetsNoChart(@TempDir Path folder) throws Exception {
        PeerReport report = new PeerReport(List.of(
                new SuiteRun(1, LoadPoint.CAPACITY, result(Contestants.FUNCTION, 900, 10, 11, List.of()))), List.of());

        assertThat(PeerCharts.write(report, MODEL, folder, "")).isEmpty();
        assertThat(folder).isEmptyDirectory();
    }
}
