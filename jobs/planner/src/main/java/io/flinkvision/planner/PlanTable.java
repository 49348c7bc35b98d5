package io.flinkvision.planner;

import io.flinkvision.modelgen.efficientnet.EfficientNetArchitecture;
import io.flinkvision.modelgen.efficientnet.EfficientNetVariant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** Formats a {@link Recommendation} as the planner's text report (table, capacity lines, last line). */
public final class PlanTable {
    private PlanTable() {}

    /** Architecture figures per variant; a function so tests need not build architectures. */
    public record Figures(double paramsMillions, double multiplyAddsGiga) {
        public static Figures of(EfficientNetVariant v) {
            EfficientNetArchitecture a = EfficientNetArchitecture.of(v);
            return new Figures(a.parameterCount() / 1e6, a.multiplyAdds() / 1e9);
        }
    }

    /** The column header, with a pixel_ms column when the pixel path was counted. */
    static String header(boolean pixelPath) {
        return String.format(Locale.ROOT, "%-7s %6s %9s %8s %5s", "variant", "top1%", "params(M)", "MACs(G)", "res")
                + (pixelPath ? String.format(Locale.ROOT, " %9s", "pixel_ms") : "")
                + String.format(Locale.ROOT, " %10s %11s %12s %6s", "best_batch", "fps/slot", "batch_p99_ms", "slots");
    }

    /** One table row; "-" where no batch size meets the budget; {@code pixelCoreMillis} null: model only. */
    static String row(VariantPlan p, Figures f, Double pixelCoreMillis) {
        EfficientNetVariant v = p.variant();
        String batch = p.best().map(m -> Integer.toString(m.batchSize())).orElse("-");
        String fps = p.best().map(m -> String.format(Locale.ROOT, "%.1f", m.framesPerSecond())).orElse("-");
        String p99 = p.best().map(m -> String.format(Locale.ROOT, "%.1f", m.batchP99Millis())).orElse("-");
        String slots = p.slotsNeeded() == Integer.MAX_VALUE ? "-" : Integer.toString(p.slotsNeeded());
        return String.format(Locale.ROOT, "%-7s %6.1f %9.2f %8.2f %5d", v.name(), v.paperTop1(), f.paramsMillions(),
                        f.multiplyAddsGiga(), v.resolution())
                + (pixelCoreMillis == null ? "" : String.format(Locale.ROOT, " %9.2f", pixelCoreMillis))
                + String.format(Locale.ROOT, " %10s %11s %12s %6s%s", batch, fps, p99, slots,
                        p.fits() ? "" : "  (does not fit)");
    }

    /** The whole report; the last element is exactly {@link Recommendation#lastLine()}. */
    public static List<String> lines(Recommendation r, Function<EfficientNetVariant, Figures> figures) {
        return lines(r, figures, Map.of(), null, "TaskManager(s)");
    }

    /**
     * The report with the pixel path counted: {@code pixelCosts} (mean core-ms per frame per variant) are
     * already included in fps/slot (not in batch_p99_ms, the model's own batch latency); {@code frame}
     * names what was decoded. Null frame: model only.
     * {@code taskManagers} names what holds the slots, e.g. "TaskManager(s)" or "GPU(s)".
     */
    public static List<String> lines(Recommendation r, Function<EfficientNetVariant, Figures> figures,
                                     Map<EfficientNetVariant, Double> pixelCosts, String frame, String taskManagers) {
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "target %.1f frames/s, batch p99 <= %.0f ms, at most %d slots; %s",
                r.targetFps(), r.latencyBudgetMillis(), r.maxSlots(), frame == null
                        ? "fps/slot is the model alone"
                        : "fps/slot includes decoding + preprocessing a " + frame + " (pixel_ms: mean core-ms per frame)"));
        out.add("batch_p99_ms: p99 of one batch through the model; a frame also waits for its pixel path,"
                + " for its batch to fill and for a free runner");
        out.add(header(frame != null));
        for (VariantPlan p : r.plans()) {
            out.add(row(p, figures.apply(p.variant()), frame == null ? null : pixelCosts.get(p.variant())));
        }
        VariantPlan c = r.chosen();
        if (r.anyFits()) {
            out.add(String.format(Locale.ROOT,
                    "most accurate variant that fits: %s (top-1 %.1f%%), batch %d, %d slot(s) = %d %s"
                            + " at %d slot(s) each", c.variant(), c.variant().paperTop1(),
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
