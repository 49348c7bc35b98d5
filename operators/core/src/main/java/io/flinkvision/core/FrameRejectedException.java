package io.flinkvision.core;

import io.flinkvision.schemas.ReasonCode;

/**
 * A frame that cannot be labelled, with the reason code its dead letter will carry. Thrown by the
 * core (decode, preprocess, inference) and turned into a {@code DeadLetter} by the Flink layer, so
 * that bad input never fails the job.
 */
public class FrameRejectedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final ReasonCode reason;

    public FrameRejectedException(ReasonCode reason, String message) {
        super(message);
        this.reason = reason;
    }

    public FrameRejectedException(ReasonCode reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public ReasonCode reason() {
        return reason;
    }
}
