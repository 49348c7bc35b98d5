package io.flinkvision.planner;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The planner's decision: per variant the best batch size within the latency budget and the slots it
 * needs; the recommended variant is the most accurate (paper top-1 or COCO AP; a --model file's is unknown and ranks last) one that fits in {@code maxSlots},
 * or, when none fits, the fastest one.
 */
public record Recommendation(List<VariantPlan> plans, VariantPlan chosen, boolean anyFits, double targetFps,
                             double latencyBudgetMillis, int maxSlots, int slotsPerTaskManager) {

    /** Decides from measurements of any number of variants and batch sizes. */
    public static Recommendation decide(Collection<Measurement> measurements, double targetFps,
                                        double latencyBudgetMillis, int maxSlots, int slotsPerTaskManager) {
        if (!(targetFps > 0)) {
            throw new IllegalArgumentException("target frames/s must be > 0, got " + targetFps);
        }
        if (maxSlots < 1 || slotsPerTaskManager < 1) {
            throw new IllegalArgumentException("max slots and slots per TaskManager must be >= 1");
        }
        Map<Candidate, List<Measurement>> byVariant = new TreeMap<>();
        for (Measurement m : measurements) {
            byVariant.computeIfAbsent(m.variant(), v -> new ArrayList<>()).add(m);
        }
        if (byVariant.isEmpty()) {
            throw new IllegalArgumentException("no measurements");
        }
        List<VariantPlan> plans = new ArrayList<>();
        for (Map.Entry<Candidate, List<Measurement>> e : byVariant.entrySet()) {
            Optional<Measurement> best = e.getValue().stream()
                    .filter(m -> m.meets(latencyBudgetMillis) && m.framesPerSecond() > 0)
                    .max(Comparator.comparingDouble(Measurement::framesPerSecond)
                            .thenComparing(Comparator.comparingInt(Measurement::batchSize).reversed()));
            int slots = best.map(m -> slotsFor(targetFps, m.framesPerSecond())).orElse(Integer.MAX_VALUE);
            plans.add(new VariantPlan(e.getKey(), best, slots, best.isPresent() && slots <= maxSlots));
        }
        Optional<VariantPlan> mostAccurateFitting = plans.stream().filter(VariantPlan::fits)
                .max(Comparator.comparingDouble(p -> rankedAccuracy(p.variant())));
        VariantPlan chosen = mostAccurateFitting.orElseGet(() -> fastest(plans, byVariant));
        return new Recommendation(List.copyOf(plans), chosen, mostAccurateFitting.isPresent(), targetFps,
                latencyBudgetMillis, maxSlots, slotsPerTaskManager);
    }

    /** The paper accuracy, a file's unknown one ranking below every known one. */
    private static double rankedAccuracy(Candidate c) {
        return c.hasAccuracy() ? c.accuracy() : Double.NEGATIVE_INFINITY;
    }

    /**
     * The variant with the highest fps/slot within budget; if nothing meets the budget, the highest raw
     * fps (reported with unbounded slots, since no slot count meets the budget).
     */
    private static VariantPlan fastest(List<VariantPlan> plans, Map<Candidate, List<Measurement>> all) {
        Optional<VariantPlan> withinBudget = plans.stream().filter(p -> p.best().isPresent())
                .max(Comparator.comparingDouble(VariantPlan::fpsPerSlot));
        if (withinBudget.isPresent()) {
            return withinBudget.get();
        }
        Measurement raw = all.values().stream().flatMap(List::stream)
                .max(Comparator.comparingDouble(Measurement::framesPerSecond)).orElseThrow();
        return new VariantPlan(raw.variant(), Optional.of(raw), Integer.MAX_VALUE, false);
    }

    /** ceil(target / perSlot), at least 1; {@link Integer#MAX_VALUE} when perSlot is not positive. */
    public static int slotsFor(double targetFps, double fpsPerSlot) {
        if (!(fpsPerSlot > 0)) {
            return Integer.MAX_VALUE;
        }
        double slots = Math.ceil(targetFps / fpsPerSlot - 1e-9);
        return slots >= Integer.MAX_VALUE ? Integer.MAX_VALUE : Math.max(1, (int) slots);
    }

    /** ceil(slots / slotsPerTaskManager): TaskManagers (or GPUs, one per TaskManager) needed. */
    public static int taskManagersFor(int slots, int slotsPerTaskManager) {
        if (slots == Integer.MAX_VALUE) {
            return Integer.MAX_VALUE;
        }
        return (slots + slotsPerTaskManager - 1) / slotsPerTaskManager;
    }

    public int taskManagersNeeded() {
        return taskManagersFor(chosen.slotsNeeded(), slotsPerTaskManager);
    }

    /** The planner's last line: {@code recommend variant=<B<n>|D<n>|file> slots=<n> fps_per_slot=<x>}. */
    public String lastLine() {
        String slots = chosen.slotsNeeded() == Integer.MAX_VALUE ? "inf" : Integer.toString(chosen.slotsNeeded());
        return String.format(Locale.ROOT, "recommend variant=%s slots=%s fps_per_slot=%.1f",
                chosen.variant().name(), slots, chosen.fpsPerSlot());
    }
}
