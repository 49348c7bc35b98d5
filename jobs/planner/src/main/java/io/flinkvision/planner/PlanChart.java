package io.flinkvision.planner;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The planner's chart (JFreeChart): paper accuracy (y: ImageNet top-1 or COCO AP) against measured frames/s per slot (x, log
 * scale), each point labelled with its variant; the Pareto front joined by a line, dominated variants
 * as points alone.
 */
public final class PlanChart {
    static final int WIDTH = 800;
    static final int HEIGHT = 560;
    static final String FRONT = "Pareto front";
    static final String DOMINATED = "dominated";
    static final Color FRONT_COLOUR = new Color(200, 60, 40);
    static final Color DOMINATED_COLOUR = new Color(40, 90, 200);

    private PlanChart() {}

    public static JFreeChart chart(List<ParetoFront.Point> points, String title) {
        return chart(points, title, ModelFamily.EFFICIENTNET.accuracyAxis());
    }

    /** The chart with the accuracy axis named {@code accuracyAxis} (e.g. COCO AP for detectors). */
    public static JFreeChart chart(List<ParetoFront.Point> points, String title, String accuracyAxis) {
        if (points.isEmpty()) {
            throw new IllegalArgumentException("nothing to chart: no variant met the latency budget");
        }
        List<ParetoFront.Point> front = ParetoFront.of(points);
        List<ParetoFront.Point> dominated = new ArrayList<>(points);
        dominated.removeAll(front);
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(series(FRONT, front));
        data.addSeries(series(DOMINATED, dominated));
        List<List<ParetoFront.Point>> labels = List.of(front, dominated);

        // LogarithmicAxis ticks at 1..9 x 10^n (8, 9, 10, 20, 30): readable over the small span a family covers.
        LogarithmicAxis x = new LogarithmicAxis("measured frames/s per slot (log scale)");
        x.setNumberFormatOverride(new DecimalFormat("0.##"));
        x.setStrictValuesFlag(false);
        x.setLowerMargin(0.06);
        x.setUpperMargin(0.1);
        NumberAxis y = new NumberAxis(accuracyAxis);
        y.setAutoRangeIncludesZero(false);
        y.setTickUnit(new NumberTickUnit(1));
        y.setUpperMargin(0.08);
        y.setLowerMargin(0.08);

        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer();
        renderer.setSeriesLinesVisible(0, true);
        renderer.setSeriesLinesVisible(1, false);
        for (int s = 0; s < 2; s++) {
            renderer.setSeriesPaint(s, s == 0 ? FRONT_COLOUR : DOMINATED_COLOUR);
            renderer.setSeriesShape(s, new Ellipse2D.Double(-5, -5, 10, 10));
            renderer.setSeriesStroke(s, new BasicStroke(2f));
            renderer.setSeriesItemLabelsVisible(s, true);
            renderer.setSeriesItemLabelPaint(s, Color.BLACK);
        }
        renderer.setDefaultItemLabelGenerator((dataset, series, item) -> labels.get(series).get(item).label());
        renderer.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        renderer.setDefaultPositiveItemLabelPosition(
                new ItemLabelPosition(ItemLabelAnchor.OUTSIDE1, TextAnchor.BOTTOM_LEFT));

        XYPlot plot = new XYPlot(data, x, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(210, 210, 210));
        plot.setRangeGridlinePaint(new Color(210, 210, 210));
        plot.setDomainMinorGridlinesVisible(true);
        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 14), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    public static void write(List<ParetoFront.Point> points, String title, Path png) {
        write(points, title, ModelFamily.EFFICIENTNET.accuracyAxis(), png);
    }

    public static void write(List<ParetoFront.Point> points, String title, String accuracyAxis, Path png) {
        try {
            Path parent = png.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            ChartUtils.saveChartAsPNG(png.toFile(), chart(points, title, accuracyAxis), WIDTH, HEIGHT);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write chart " + png, e);
        }
    }

    /** Points in the order given; no auto-sort, so item i is points.get(i) (the labels rely on it). */
    private static XYSeries series(String name, List<ParetoFront.Point> points) {
        XYSeries series = new XYSeries(name, false, true);
        for (ParetoFront.Point p : points) {
            series.add(p.x(), p.y());
        }
        return series;
    }
}
