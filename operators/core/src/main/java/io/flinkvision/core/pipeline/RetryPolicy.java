package io.flinkvision.core.pipeline;

import java.io.Serializable;

/**
 * How a batch whose run failed transiently is retried, and when the runner's device is given up on
 * (see {@link InferenceFailures} for what counts as transient). The option named in each message is
 * the job's command-line key.
 *
 * @param maxAttempts runs of one batch, the first included (inference-attempts); 1 never retries
 * @param initialBackoffMillis wait before the first retry, doubled for each further one (inference-retry-backoff)
 * @param maxBackoffMillis longest wait between two attempts
 * @param failuresToTrip consecutive failed batches after which the runner's device is taken out of
 *     service (device-failure-threshold): for CUDA the runner falls back to CPU
 */
public record RetryPolicy(int maxAttempts, long initialBackoffMillis, long maxBackoffMillis, int failuresToTrip)
        implements Serializable {

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts (inference-attempts) must be at least 1, got " + maxAttempts);
        }
        if (initialBackoffMillis < 0 || maxBackoffMillis < initialBackoffMillis) {
            throw new IllegalArgumentException("backoff must satisfy 0 <= initial (inference-retry-backoff) <= max, got "
                    + initialBackoffMillis + " and " + maxBackoffMillis);
        }
        if (failuresToTrip < 1) {
            throw new IllegalArgumentException(
                    "failuresToTrip (device-failure-threshold) must be at least 1, got " + failuresToTrip);
        }
    }

    /** 3 attempts, 50 ms then 100 ms apart (at most 1 s), device out of service after 5 failed batches in a row. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(3, 50, 1_000, 5);
    }

    /** The wait before attempt {@code attempt} (2 = the first retry). */
    public long backoffMillis(int attempt) {
        long wait = initialBackoffMillis;
        for (int i = 2; i < attempt && wait < maxBackoffMillis; i++) {
            wait *= 2;
        }
        return Math.min(wait, maxBackoffMillis);
    }
}
