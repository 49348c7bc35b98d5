package io.flinkvision.planner;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The Pareto front of (throughput, accuracy) points: those no other point beats on both. */
public final class ParetoFront {
    private ParetoFront() {}

    /** A labelled point; higher x and higher y are both better. */
    public record Point(String label, double x, double y) {}

    /** The non-dominated points, sorted by increasing x (so decreasing y). */
    public static List<Point> of(List<Point> points) {
        List<Point> sorted = new ArrayList<>(points);
        sorted.sort(Comparator.comparingDouble(Point::x).reversed().thenComparing(Comparator.comparingDouble(Point::y).reversed()));
        List<Point> front = new ArrayList<>();
        double bestY = Double.NEGATIVE_INFINITY;
        for (Point p : sorted) {
            if (p.y() > bestY) {
                front.add(p);
                bestY = p.y();
            }
        }
        front.sort(Comparator.comparingDouble(Point::x));
        return front;
    }
}
