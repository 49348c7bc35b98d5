package io.flinkvision.planner;

/**
 * One measured point: a variant run at one batch size in one slot.
 *
 * @param framesPerSecond frames (not batches) per second in one slot
 * @param batchP99Millis 99th percentile of the latency of one batch through the model (run call to
 *     result; HdrHistogram, 3 significant digits). Not a frame's latency: that adds the frame's pixel
 *     path, its wait for the batch to fill and any queue for the runner, which depend on the load.
 * @param batches how many batches were timed
 */
public record Measurement(Candidate variant, int batchSize, double framesPerSecond, double batchP99Millis,
                          int batches) {
    public Measurement {
        if (variant == null) {
            throw new IllegalArgumentException("variant must be set");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
    }

    /** Whether this point's batch p99 is within the latency budget. */
    public boolean meets(double latencyBudgetMillis) {
        return batchP99Millis <= latencyBudgetMillis;
    }
}
