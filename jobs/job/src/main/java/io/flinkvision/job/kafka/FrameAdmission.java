package io.flinkvision.job.kafka;

import java.io.Serializable;
import java.time.Clock;
import java.time.Duration;

/**
 * What the frames source lets through as a frame: records of at most {@code maxRecordBytes}, capture
 * times within [now − {@code maxFrameAge}, now + {@code maxClockSkew}] by {@code clock} when the
 * record is read, stream ids of at most {@link #MAX_STREAM_ID_CHARS} characters.
 *
 * <p>Why a bad capture time is dead-lettered rather than labelled with a corrected one: the capture
 * time is the frame's event time, the timestamp of its outputs and what windows and watermarks run
 * on; any "corrected" value would be a guess that silently puts the frame in a window it was not
 * captured in. A dead letter (INVALID_TIMESTAMP) keeps the record and says what was wrong.
 */
public record FrameAdmission(int maxRecordBytes, Duration maxFrameAge, Duration maxClockSkew, Clock clock)
        implements Serializable {
    /** Longest stream id of a frame: it keys every output record and window. */
    public static final int MAX_STREAM_ID_CHARS = 512;

    public FrameAdmission {
        if (maxRecordBytes <= 0) {
            throw new IllegalArgumentException("max-frame-bytes must be positive, was " + maxRecordBytes);
        }
        if (maxFrameAge.isNegative() || maxFrameAge.isZero()) {
            throw new IllegalArgumentException("max-frame-age must be positive, was " + maxFrameAge);
        }
        if (maxClockSkew.isNegative()) {
            throw new IllegalArgumentException("max-clock-skew must not be negative, was " + maxClockSkew);
        }
    }

    /** The admission of a job: these limits, the system clock. */
    public static FrameAdmission of(int maxRecordBytes, Duration maxFrameAge, Duration maxClockSkew) {
        return new FrameAdmission(maxRecordBytes, maxFrameAge, maxClockSkew, Clock.systemUTC());
    }

    /** Why {@code epochMillis} is no usable capture time now, or null when it is. */
    String captureTimeProblem(long epochMillis, long nowMillis) {
        if (epochMillis < 0) {
            return "negative";
        }
        if (epochMillis < nowMillis - maxFrameAge.toMillis()) {
            return "older than --max-frame-age " + maxFrameAge + " (read at " + nowMillis + ")";
        }
        if (epochMillis > nowMillis + maxClockSkew.toMillis()) {
            return "further ahead of the wall clock than --max-clock-skew " + maxClockSkew + " (read at " + nowMillis + ")";
        }
        return null;
    }

    /** {@code epochMillis} when it is a usable capture time now, else {@code nowMillis}. */
    long usableOrNow(long epochMillis, long nowMillis) {
        return captureTimeProblem(epochMillis, nowMillis) == null ? epochMillis : nowMillis;
    }
}
