package io.flinkvision.planner;

import java.util.Optional;

/**
 * What one variant needs for a target: its best measurement within the latency budget (empty when
 * no batch size meets it) and the slots that needs.
 *
 * @param slotsNeeded ceil(target / fps per slot), or {@link Integer#MAX_VALUE} without a usable measurement
 */
public record VariantPlan(Candidate variant, Optional<Measurement> best, int slotsNeeded, boolean fits) {

    public double fpsPerSlot() {
        return best.map(Measurement::framesPerSecond).orElse(0.0);
    }
}
