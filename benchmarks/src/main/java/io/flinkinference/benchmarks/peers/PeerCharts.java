package io.flinkinference.benchmarks.peers;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The suite's charts, drawn by XChart (headless) as PNG: per model, the raw engine's throughput by
 * batch size (one line per way of driving it) and every paced contestant's p50 and p99 by the
 * throughput it was paced at.
 */
final class PeerCharts {
    static final int WIDTH = 900;
    static final int HEIGHT = 560;

    private PeerCharts() {}

    /** Both charts of a model that have something to draw, written into {@code folder}; links are {@code linkPrefix} + file name. */
    static List<PeerReport.ChartLink> write(PeerReport report, String model, Path folder, String linkPrefix) throws IOException {
        List<PeerReport.ChartLink> links = new ArrayList<>();
        String stem = "peers-" + model.replaceAll("[^A-Za-z0-9]+", "-");
        Optional<CategoryChart> throughput = throughputByBatchSize(model, report.medianCurve(model));
        if (throughput.isPresent()) {
            String file = stem + "-throughput-by-batch.png";
            save(throughput.get(), folder.resolve(file));
            links.add(new PeerReport.ChartLink(model + ": raw ONNX Runtime throughput by batch size", linkPrefix + file));
        }
        Optional<XYChart> latency = latencyByLoad(model, report);
        if (latency.isPresent()) {
            String file = stem + "-latency-by-load.png";
            save(latency.get(), folder.resolve(file));
            links.add(new PeerReport.ChartLink(model + ": p50 and p99 latency by offered load", linkPrefix + file));
        }
        return links;
    }

    /** Records/s by batch size, a line per configuration; empty without a curve. */
    static Optional<CategoryChart> throughputByBatchSize(String model, Map<String, Map<Integer, Double>> curve) {
        if (curve.isEmpty()) {
            return Optional.empty();
        }
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title(model + ": raw ONNX Runtime, records/s by batch size")
                .xAxisTitle("batch size").yAxisTitle("records/s").build();
        chart.getStyler().setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
        chart.getStyler().setOverlapped(true); // every configuration's point of a batch size at the same x
        chart.getStyler().setYAxisMin(0.0); // from zero, so that the gaps between lines look as large as they are
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        curve.forEach((configuration, points) -> {
            List<String> batches = points.keySet().stream().map(String::valueOf).toList();
            chart.addSeries(configuration, batches, List.copyOf(points.values()));
        });
        return Optional.of(chart);
    }

    /** p50 and p99 ms by records/s at the 50% and 90% load points, two series per contestant; empty without paced runs. */
    static Optional<XYChart> latencyByLoad(String model, PeerReport report) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(model + ": latency by load (each contestant at 50% and 90% of its capacity)")
                .xAxisTitle("records/s at the load point (medians over rounds)").yAxisTitle("latency from offer to answer, ms (log)").build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmicDecadeOnly(false);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        java.awt.Color[] palette = chart.getStyler().getSeriesColors();
        int drawn = 0;
        for (String contestant : report.contestants(model)) {
            ContestantSummary summary = report.summary(model, contestant);
            List<ContestantSummary.LoadFigures> points = new ArrayList<>();
            summary.half().ifPresent(points::add);
            summary.ninety().ifPresent(points::add);
            // A log axis has no room for 0: a point without latency (no answers) is left out.
            points.removeIf(p -> p.p50Millis() <= 0 || p.p99Millis() <= 0);
            if (points.isEmpty()) {
                continue;
            }
            double[] rates = points.stream().mapToDouble(ContestantSummary.LoadFigures::recordsPerSecond).toArray();
            // A contestant's two percentiles share its colour: p50 solid with circles, p99 dashed with diamonds.
            java.awt.Color colour = palette[drawn++ % palette.length];
            XYSeries p50 = chart.addSeries(contestant + " p50", rates,
                    points.stream().mapToDouble(ContestantSummary.LoadFigures::p50Millis).toArray());
            p50.setLineColor(colour).setLineStyle(SeriesLines.SOLID);
            p50.setMarkerColor(colour).setMarker(SeriesMarkers.CIRCLE);
            XYSeries p99 = chart.addSeries(contestant + " p99", rates,
                    points.stream().mapToDouble(ContestantSummary.LoadFigures::p99Millis).toArray());
            p99.setLineColor(colour).setLineStyle(SeriesLines.DASH_DASH);
            p99.setMarkerColor(colour).setMarker(SeriesMarkers.DIAMOND);
        }
        return drawn > 0 ? Optional.of(chart) : Optional.empty();
    }

    static void save(Chart<?, ?> chart, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (var out = Files.newOutputStream(file)) {
            BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
        }
    }
}
