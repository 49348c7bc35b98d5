package io.flinkvision.planner;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** Formats a {@link Recommendation} as the planner's text report (table, capacity lines, last line). */
public final class PlanTable {
    private PlanTable() {}

    /** Architecture figures per variant (NaN: unknown, a user's file); a function so tests need not build architectures. */
    public record Figures(double paramsMillions, double multiplyAddsGiga) {
        public static Figures of(Candidate c) {
            return c.figures();
        }
    }

    /** The column header, with a pixel_ms column when the pixel path was counted. */
    static String header(String accuracyColumn, boolean pixelPath) {
        return String.format(Locale.ROOT, "%-7s %6s %9s %8s %5s", "variant", accuracyColumn, "params(M)", "MACs(G)", "res")
                + (pixelPath ? String.format(Locale.ROOT, " %9s", "pixel_ms") : "")
                + String.format(Locale.ROOT, " %10s %11s %12s %6s", "best_batch", "fps/slot", "batch_p99_ms", "slots");
    }

    /** One table row; "-" where no batch size meets the budget; {@code pixelCoreMillis} null: model only. */
    static String row(VariantPlan p, Figures f, Double pixelCoreMillis) {
        Candidate v = p.variant();
        String batch = p.best().map(m -> Integer.toString(m.batchSize())).orElse("-");
        String fps = p.best().map(m -> String.format(Locale.ROOT, "%.1f", m.framesPerSecond())).orElse("-");
        String p99 = p.best().map(m -> String.format(Locale.ROOT, "%.1f", m.batchP99Millis())).orElse("-");
        String slots = p.slotsNeeded() == Integer.MAX_VALUE ? "-" : Integer.toString(p.slotsNeeded());
        return String.format(Locale.ROOT, "%-7s %6s %9s %8s %5d", v.name(), orDash(v.accuracy(), "%.1f"),
                        orDash(f.paramsMillions(), "%.2f"), orDash(f.multiplyAddsGiga(), "%.2f"), v.resolution())
                + (pixelCoreMillis == null ? "" : String.format(Locale.ROOT, " %9.2f", pixelCoreMillis))
                + String.format(Locale.ROOT, " %10s %11s %12s %6s%s", batch, fps, p99, slots,
                        p.fits() ? "" : "  (does not fit)");
    }

    /** The value formatted, or "-" when unknown (NaN). */
    private static String orDash(double value, String format) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, format, value);
    }

    /** The whole report; the last element is exactly {@link Recommendation#lastLine()}. */
    public static List<String> lines(Recommendation r, Function<Candidate, Figures> figures) {
        return lines(r, figures, Map.of(), null, "TaskManager(s)");
    }

    /**
     * The report with the pixel path counted: {@code pixelCosts} (mean core-ms per frame per variant) are
     * already included in fps/slot (not in batch_p99_ms, the model's own batch latency); {@code frame}
     * names what was decoded. Null frame: model only.
     * {@code taskManagers} names what holds the slots, e.g. "TaskManager(s)" or "GPU(s)".
     */
    public static List<String> lines(Recommendation r, Function<Candidate, Figures> figures,
                                     Map<Candidate, Double> pixelCosts, String frame, String taskManagers) {
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "target %.1f frames/s, batch p99 <= %.0f ms, at most %d slots; %s",
                r.targetFps(), r.latencyBudgetMillis(), r.maxSlots(), frame == null
                        ? "fps/slot is the model alone"
                        : "fps/slot includes decoding + preprocessing a " + frame + " (pixel_ms: mean core-ms per frame)"));
        out.add("batch_p99_ms: p99 of one batch through the model; a frame also waits for its pixel path,"
                + " for its batch to fill and for a free runner");
        out.add(header(r.chosen().variant().family().accuracyColumn(), frame != null));
        for (VariantPlan p : r.plans()) {
            out.add(row(p, figures.apply(p.variant()), frame == null ? null : pixelCosts.get(p.variant())));
        }
        VariantPlan c = r.chosen();
        if (r.anyFits()) {
            out.add(String.format(Locale.ROOT,
                    "most accurate variant that fits: %s (%s), batch %d, %d slot(s) = %d %s"
                            + " at %d slot(s) each", c.variant(), c.variant().family().describeAccuracy(c.variant()),
                    c.best().orElseThrow().batchSize(), c.slotsNeeded(), r.taskManagersNeeded(), taskManagers,
                    r.slotsPerTaskManager()));
        } else {
            String why = c.slotsNeeded() == Integer.MAX_VALUE
                    ? "no batch size of any variant meets the latency budget"
                    : "even the fastest within budget needs " + c.slotsNeeded() + " slots ("
                            + r.taskManagersNeeded() + " " + taskManagers + " at " + r.slotsPerTaskManager()
                            + " slot(s) each)";
            out.add("NO VARIANT FITS in " + r.maxSlots() + " slots: " + why + "; showing the fastest, " + c.variant());
        }
        out.add(r.lastLine());
        return out;
    }
}
