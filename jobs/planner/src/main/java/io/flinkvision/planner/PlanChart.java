package io.flinkvision.planner;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws paper top-1 accuracy (y) against measured frames/s per slot (x, log scale) as a PNG, with each
 * point labelled and the Pareto front joined by a line. Headless java.awt.
 */
public final class PlanChart {
    private static final int W = 800;
    private static final int H = 560;
    private static final int LEFT = 80;
    private static final int RIGHT = 40;
    private static final int TOP = 50;
    private static final int BOTTOM = 70;

    private PlanChart() {}

    public static BufferedImage render(List<ParetoFront.Point> points, String title) {
        if (points.isEmpty()) {
            throw new IllegalArgumentException("nothing to chart");
        }
        double minX = points.stream().mapToDouble(ParetoFront.Point::x).filter(x -> x > 0).min().orElse(1);
        double maxX = points.stream().mapToDouble(ParetoFront.Point::x).max().orElse(10);
        double lo = Math.floor(Math.log10(minX) - 0.05);
        double hi = Math.ceil(Math.log10(Math.max(maxX, minX * 1.01)) + 0.05);
        double minY = Math.floor(points.stream().mapToDouble(ParetoFront.Point::y).min().orElse(75) - 0.5);
        double maxY = Math.ceil(points.stream().mapToDouble(ParetoFront.Point::y).max().orElse(85) + 0.5);

        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int plotW = W - LEFT - RIGHT;
        int plotH = H - TOP - BOTTOM;
        java.util.function.DoubleUnaryOperator px = x -> LEFT + (Math.log10(Math.max(x, 1e-9)) - lo) / (hi - lo) * plotW;
        java.util.function.DoubleUnaryOperator py = y -> TOP + plotH - (y - minY) / (maxY - minY) * plotH;

        // grid and axes
        g.setColor(new Color(225, 225, 225));
        for (int d = (int) lo; d <= (int) hi; d++) {
            for (int m = 1; m <= 9; m++) {
                double x = m * Math.pow(10, d);
                if (Math.log10(x) > hi) {
                    break;
                }
                int sx = (int) px.applyAsDouble(x);
                g.drawLine(sx, TOP, sx, TOP + plotH);
            }
        }
        for (double y = minY; y <= maxY + 1e-9; y += 1) {
            int sy = (int) py.applyAsDouble(y);
            g.drawLine(LEFT, sy, LEFT + plotW, sy);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, plotW, plotH);
        for (int d = (int) lo; d <= (int) hi; d++) {
            double x = Math.pow(10, d);
            int sx = (int) px.applyAsDouble(x);
            String s = d >= 0 ? String.format(Locale.ROOT, "%.0f", x) : String.format(Locale.ROOT, "%s", x);
            g.drawString(s, sx - g.getFontMetrics().stringWidth(s) / 2, TOP + plotH + 18);
        }
        for (double y = minY; y <= maxY + 1e-9; y += 1) {
            String s = String.format(Locale.ROOT, "%.0f", y);
            g.drawString(s, LEFT - 8 - g.getFontMetrics().stringWidth(s), (int) py.applyAsDouble(y) + 4);
        }
        g.drawString("measured frames/s per slot (log scale)", LEFT + plotW / 2 - 110, H - 25);
        Graphics2D gy = (Graphics2D) g.create();
        gy.rotate(-Math.PI / 2);
        gy.drawString("ImageNet top-1 % (paper)", -(TOP + plotH / 2 + 70), 25);
        gy.dispose();
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, LEFT, TOP - 18);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));

        // Pareto front
        List<ParetoFront.Point> front = ParetoFront.of(points);
        g.setColor(new Color(200, 60, 40));
        g.setStroke(new BasicStroke(2f));
        for (int i = 1; i < front.size(); i++) {
            ParetoFront.Point a = front.get(i - 1);
            ParetoFront.Point b = front.get(i);
            g.drawLine((int) px.applyAsDouble(a.x()), (int) py.applyAsDouble(a.y()),
                    (int) px.applyAsDouble(b.x()), (int) py.applyAsDouble(b.y()));
        }
        // points
        for (ParetoFront.Point p : points) {
            int sx = (int) px.applyAsDouble(p.x());
            int sy = (int) py.applyAsDouble(p.y());
            g.setColor(front.contains(p) ? new Color(200, 60, 40) : new Color(40, 90, 200));
            g.fillOval(sx - 5, sy - 5, 10, 10);
            g.setColor(Color.BLACK);
            g.drawString(p.label(), sx + 8, sy - 6);
        }
        g.dispose();
        return img;
    }

    public static void write(List<ParetoFront.Point> points, String title, Path png) {
        try {
            Path parent = png.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            if (!ImageIO.write(render(points, title), "png", png.toFile())) {
                throw new IllegalStateException("no PNG writer available");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write chart " + png, e);
        }
    }
}
