package io.flinkvision.core.pipeline;

import java.io.Serializable;
import java.time.Duration;

/**
 * How an {@link InferencePipeline} batches and spreads its work. The option named in each message
 * is the job's command-line key.
 *
 * @param maxBatchSize largest inference batch (batch-size)
 * @param maxWaitMillis longest the first frame of a batch waits for it to fill (batch-wait); 0 runs
 *     every frame alone
 * @param preprocessingThreads decode + preprocess threads (preprocess-threads)
 * @param batchesInFlight batches run concurrently (batches-in-flight)
 * @param maxPixels frames larger than this are dead-lettered before decoding (max-pixels)
 * @param limits the other per-frame and per-pipeline bounds: aspect ratio, decode time, bytes in flight
 * @param retries how transient inference failures are retried, and when a device is given up on
 */
public record PipelineSettings(
        int maxBatchSize, long maxWaitMillis, int preprocessingThreads, int batchesInFlight, long maxPixels,
        FrameLimits limits, RetryPolicy retries)
        implements Serializable {

    /** With the default {@link FrameLimits} and {@link RetryPolicy}. */
    public PipelineSettings(int maxBatchSize, long maxWaitMillis, int preprocessingThreads, int batchesInFlight,
            long maxPixels) {
        this(maxBatchSize, maxWaitMillis, preprocessingThreads, batchesInFlight, maxPixels, FrameLimits.defaults(),
                RetryPolicy.defaults());
    }

    public PipelineSettings {
        if (limits == null || retries == null) {
            throw new IllegalArgumentException("limits and retries are required (FrameLimits.defaults(), RetryPolicy.defaults())");
        }
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("maxBatchSize (batch-size) must be at least 1, got " + maxBatchSize);
        }
        if (maxWaitMillis < 0) {
            throw new IllegalArgumentException(
                    "maxWaitMillis (batch-wait) must be 0 (no waiting) or positive, got " + maxWaitMillis);
        }
        if (preprocessingThreads < 1) {
            throw new IllegalArgumentException(
                    "preprocessingThreads (preprocess-threads) must be at least 1, got " + preprocessingThreads);
        }
        if (batchesInFlight < 1) {
            throw new IllegalArgumentException(
                    "batchesInFlight (batches-in-flight) must be at least 1, got " + batchesInFlight);
        }
        if (maxPixels < 1) {
            throw new IllegalArgumentException("maxPixels (max-pixels) must be positive, got " + maxPixels);
        }
    }

    /** The job's defaults: batches of 2 within 5 ms, 2 preprocessing threads, 2 batches in flight. */
    public static PipelineSettings defaults() {
        return new PipelineSettings(2, 5, 2, 2, 40_000_000L);
    }

    public PipelineSettings withLimits(FrameLimits newLimits) {
        return new PipelineSettings(maxBatchSize, maxWaitMillis, preprocessingThreads, batchesInFlight, maxPixels,
                newLimits, retries);
    }

    public PipelineSettings withRetries(RetryPolicy newRetries) {
        return new PipelineSettings(maxBatchSize, maxWaitMillis, preprocessingThreads, batchesInFlight, maxPixels,
                limits, newRetries);
    }

    public Duration maxWait() {
        return Duration.ofMillis(maxWaitMillis);
    }

    /**
     * Fewest frames that must be allowed in flight for a batch to fill while {@code batchesInFlight}
     * full batches run: with fewer, every batch waits out {@code maxWait} half empty.
     */
    public long minFramesInFlight() {
        return (long) maxBatchSize * (batchesInFlight + 1L);
    }
}
