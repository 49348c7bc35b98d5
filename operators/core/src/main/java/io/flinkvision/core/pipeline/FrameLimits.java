package io.flinkvision.core.pipeline;

import io.flinkvision.core.image.DecodeBudget;
import java.io.Serializable;

/**
 * What one pipeline lets its frames cost, besides the pixel limit of {@link PipelineSettings}. The
 * option named in each message is the job's command-line key.
 *
 * @param maxAspectRatio longer / shorter side of a frame (max-aspect-ratio), checked before decoding
 * @param decodeTimeoutMillis longest decode + preprocess of one frame (decode-timeout): a slower one
 *     is aborted, or, if its decoder does not stop, abandoned; either way the frame is a
 *     DECODE_TIMEOUT dead letter at that moment
 * @param maxAbandonedDecodes decodes abandoned while still running that get a stand-in thread, so
 *     that stuck decodes cannot starve the rest; beyond that they hold their thread
 * @param maxBytesInFlight payload bytes of the frames admitted and not ended (max-bytes-in-flight):
 *     a frame that would exceed it waits for room (one frame alone is always admitted)
 * @param maxFramesInFlight frames admitted and not ended; it also sizes the work queues, so they are
 *     bounded by construction (the async operator's capacity keeps below it)
 * @param admissionTimeoutMillis longest a frame waits for room; then it is an INFERENCE_TIMEOUT dead
 *     letter, so that a caller blocked here can never hold the pipeline up for good
 */
public record FrameLimits(double maxAspectRatio, long decodeTimeoutMillis, int maxAbandonedDecodes,
        long maxBytesInFlight, int maxFramesInFlight, long admissionTimeoutMillis) implements Serializable {

    public FrameLimits {
        if (!(maxAspectRatio >= 1.0)) {
            throw new IllegalArgumentException("maxAspectRatio (max-aspect-ratio) must be at least 1, got " + maxAspectRatio);
        }
        if (decodeTimeoutMillis < 1) {
            throw new IllegalArgumentException("decodeTimeoutMillis (decode-timeout) must be positive, got " + decodeTimeoutMillis);
        }
        if (maxAbandonedDecodes < 0) {
            throw new IllegalArgumentException("maxAbandonedDecodes must be 0 or more, got " + maxAbandonedDecodes);
        }
        if (maxBytesInFlight < 1) {
            throw new IllegalArgumentException("maxBytesInFlight (max-bytes-in-flight) must be positive, got " + maxBytesInFlight);
        }
        if (maxFramesInFlight < 1) {
            throw new IllegalArgumentException("maxFramesInFlight must be positive, got " + maxFramesInFlight);
        }
        if (admissionTimeoutMillis < 1) {
            throw new IllegalArgumentException("admissionTimeoutMillis must be positive, got " + admissionTimeoutMillis);
        }
    }

    /** 16:1, 10 s decodes, 4 stand-in threads, 256 MiB and 1024 frames in flight, 30 s admission. */
    public static FrameLimits defaults() {
        return new FrameLimits(DecodeBudget.DEFAULT_MAX_ASPECT_RATIO, 10_000, 4, 256L << 20, 1024, 30_000);
    }

    public FrameLimits withDecodeTimeoutMillis(long millis) {
        return new FrameLimits(maxAspectRatio, millis, maxAbandonedDecodes, maxBytesInFlight, maxFramesInFlight,
                admissionTimeoutMillis);
    }

    public FrameLimits withMaxBytesInFlight(long bytes) {
        return new FrameLimits(maxAspectRatio, decodeTimeoutMillis, maxAbandonedDecodes, bytes, maxFramesInFlight,
                admissionTimeoutMillis);
    }

    public FrameLimits withMaxAspectRatio(double ratio) {
        return new FrameLimits(ratio, decodeTimeoutMillis, maxAbandonedDecodes, maxBytesInFlight, maxFramesInFlight,
                admissionTimeoutMillis);
    }

    public FrameLimits withMaxFramesInFlight(int frames) {
        return new FrameLimits(maxAspectRatio, decodeTimeoutMillis, maxAbandonedDecodes, maxBytesInFlight, frames,
                admissionTimeoutMillis);
    }

    public FrameLimits withAdmissionTimeoutMillis(long millis) {
        return new FrameLimits(maxAspectRatio, decodeTimeoutMillis, maxAbandonedDecodes, maxBytesInFlight,
                maxFramesInFlight, millis);
    }

    /** The decoder's budget for frames of at most {@code maxPixels}. */
    public DecodeBudget decodeBudget(long maxPixels) {
        return new DecodeBudget(maxPixels, maxAspectRatio, DecodeBudget.DEFAULT_MAX_RESIZED_SIDE);
    }
}
