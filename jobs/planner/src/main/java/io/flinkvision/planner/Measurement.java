package io.flinkvision.planner;

import io.flinkvision.modelgen.efficientnet.EfficientNetVariant;

/**
 * One measured point: a variant run at one batch size in one slot.
 *
 * @param framesPerSecond frames (not batches) per second in one slot
 * @param p99Millis 99th percentile (nearest rank) of the per-batch latency
 * @param batches how many batches were timed
 */
public record Measurement(EfficientNetVariant variant, int batchSize, double framesPerSecond, double p99Millis,
                          int batches) {
    public Measurement {
        if (variant == null) {
            throw new IllegalArgumentException("variant must be set");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
    }

    /** Whether this point meets a per-batch p99 latency budget. */
    public boolean meets(double latencyBudgetMillis) {
        return p99Millis <= latencyBudgetMillis;
    }
}
