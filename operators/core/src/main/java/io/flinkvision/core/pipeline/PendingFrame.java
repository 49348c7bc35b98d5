package io.flinkvision.core.pipeline;

import io.flinkvision.schemas.internal.FrameEnvelope;
import io.flinkvision.schemas.internal.FrameOutcome;
import java.util.concurrent.CompletableFuture;

/** A prepared frame waiting for, or in, a batch, with the future its outcome completes. */
record PendingFrame(
        FrameEnvelope envelope, PreparedSample sample, long arrivalNanos, CompletableFuture<FrameOutcome> result) {

    /** Whether the frame already has its outcome (it was expired): then running it is wasted work. */
    boolean ended() {
        return result.isDone();
    }
}
