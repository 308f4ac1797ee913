package io.embedstream.dev.bench.e2e;

import io.embedstream.dev.bench.Stats;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The PNG charts of a {@code bench e2e} report, drawn headless with JFreeChart. Stateless. */
final class Charts {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 560;
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0x7f7f7f), new Color(0xd62728),
            new Color(0xff7f0e), new Color(0x2ca02c), new Color(0x9467bd)};

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Charts() {}

    /** One line to draw, with or without lines between its points and with or without markers at them. */
    record Line(String name, double[][] points, boolean lines, boolean shapes, boolean dashed) {}

    /**
     * Records/s against batch size (both axes logarithmic): the TF roof and the Kafka pass-through roof as lines,
     * embedstream's and the naive peer's points at their {@code batching.max-size}.
     */
    static void throughput(Path file, String model, Results results) {
        XYSeriesCollection data = new XYSeriesCollection();
        List<Results.RoofPoint> batches = results.roofs(model).get(0).points();
        double[][] roof = batches.stream()
                .map(p -> new double[] {p.batch(), results.roofRate(model, p.batch()).orElseThrow()})
                .toArray(double[][]::new);
        double passThrough = median(results, model, "pass-through").orElse(Double.NaN);
        double lastBatch = batches.get(batches.size() - 1).batch();
        // A configuration without a figure (a run too short to time, in a smoke run) is left out of the chart.
        List<Line> lines = java.util.stream.Stream.of(
                new Line("TF roof: Embedder alone, batch size", roof, true, true, false),
                new Line("Kafka pass-through roof (no model)",
                        new double[][] {{batches.get(0).batch(), passThrough}, {lastBatch, passThrough}}, true, false, true),
                new Line("embedstream, 1 stream thread, max-size", points(results, model, "es-b1-t1", 1, "es-b64-t1", 64),
                        true, true, false),
                new Line("embedstream, 2 stream threads, max-size", points(results, model, "es-b1-t2", 1, "es-b64-t2", 64),
                        true, true, true),
                new Line("naive peer, batch 64", new double[][] {{64, median(results, model, "naive").orElse(Double.NaN)}},
                        false, true, false))
                .filter(l -> java.util.Arrays.stream(l.points()).allMatch(p -> Double.isFinite(p[1])))
                .toList();
        lines.forEach(l -> data.addSeries(series(l)));
        LogAxis x = new LogAxis("batch size (TF roof) or batching.max-size");
        x.setBase(2);
        x.setTickUnit(new NumberTickUnit(1));
        x.setNumberFormatOverride(new DecimalFormat("0"));
        x.setRange(0.7, lastBatch * 1.4);
        LogAxis y = new LogAxis("records/s");
        y.setTickUnit(new NumberTickUnit(1));
        y.setMinorTickCount(9);
        y.setMinorTickMarksVisible(true);
        y.setNumberFormatOverride(new DecimalFormat("#,##0"));
        save(file, chart(model + ": throughput against batch size (medians)", data, lines, x, y));
    }

    /** The share of records at or below each latency (event time to embeddedAt), one line per run configuration. */
    static void latency(Path file, String model, List<String> names, List<double[]> sortedLatencies, List<Double> goals) {
        XYSeriesCollection data = new XYSeriesCollection();
        double maxX = 1;
        List<Line> lines = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            double[] sorted = sortedLatencies.get(i);
            int step = Math.max(1, sorted.length / 400);
            List<double[]> points = new ArrayList<>();
            for (int j = 0; j < sorted.length; j += step) {
                points.add(new double[] {sorted[j], (j + 1) / (double) sorted.length});
            }
            points.add(new double[] {sorted[sorted.length - 1], 1});
            maxX = Math.max(maxX, Math.max(goals.get(i), Stats.quantile(sorted, 0.999)));
            lines.add(new Line(names.get(i), points.toArray(double[][]::new), true, false, false));
        }
        lines.forEach(l -> data.addSeries(series(l)));
        NumberAxis x = new NumberAxis("latency, event time to embeddedAt (ms)");
        x.setRange(0, maxX * 1.1);
        NumberAxis y = new NumberAxis("share of records");
        y.setRange(0, 1.0);
        JFreeChart chart = chart(model + ": latency CDF at a fixed rate (all rounds)", data, lines, x, y);
        for (int i = 0; i < goals.size(); i++) {
            ValueMarker marker = new ValueMarker(goals.get(i), COLORS[i % COLORS.length],
                    new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1, new float[] {6, 4}, 0));
            marker.setLabel("goal " + Math.round(goals.get(i)) + " ms");
            marker.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            marker.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
            marker.setLabelTextAnchor(TextAnchor.TOP_LEFT);
            marker.setLabelOffset(new RectangleInsets(12 + 16 * i, 4, 4, 4));
            chart.getXYPlot().addDomainMarker(marker);
        }
        save(file, chart);
    }

    /** Output rate per window of records from the first output, one line per configuration, with the warm-up end. */
    static void warmup(Path file, String model, List<Line> lines, long warmupRecords) {
        XYSeriesCollection data = new XYSeriesCollection();
        lines.forEach(l -> data.addSeries(series(l)));
        NumberAxis x = new NumberAxis("records written (end of window)");
        NumberAxis y = new NumberAxis("records/s in the window");
        JFreeChart chart = chart(model + ": output rate while each JVM warms up (round 1)", data, lines, x, y);
        ValueMarker marker = new ValueMarker(warmupRecords, Color.BLACK, new BasicStroke(1.2f));
        marker.setLabel("end of warm-up");
        marker.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
        marker.setLabelTextAnchor(TextAnchor.TOP_LEFT);
        chart.getXYPlot().addDomainMarker(marker);
        save(file, chart);
    }

    private static double[][] points(Results results, String model, String a, int atA, String b, int atB) {
        return new double[][] {{atA, median(results, model, a).orElse(Double.NaN)},
                {atB, median(results, model, b).orElse(Double.NaN)}};
    }

    private static OptionalDouble median(Results results, String model, String config) {
        return Results.median(results.throughputs(model, config), Results.Throughput::recordsPerSecond);
    }

    private static XYSeries series(Line line) {
        XYSeries series = new XYSeries(line.name(), false, true);
        for (double[] p : line.points()) {
            series.add(p[0], p[1]);
        }
        return series;
    }

    private static JFreeChart chart(String title, XYSeriesCollection data, List<Line> lines,
            ValueAxis x, ValueAxis y) {
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer();
        for (int i = 0; i < lines.size(); i++) {
            Line line = lines.get(i);
            renderer.setSeriesLinesVisible(i, line.lines());
            renderer.setSeriesShapesVisible(i, line.shapes());
            renderer.setSeriesPaint(i, COLORS[i % COLORS.length]);
            renderer.setSeriesStroke(i, line.dashed()
                    ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1, new float[] {8, 5}, 0)
                    : new BasicStroke(2f));
        }
        XYPlot plot = new XYPlot(data, x, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private static void save(Path file, JFreeChart chart) {
        try {
            Files.createDirectories(file.getParent());
            ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
