package io.flinkvision.core.pipeline;

import io.flinkvision.core.outcome.DeadLetters;

import io.flinkvision.schemas.ReasonCode;
import io.flinkvision.schemas.internal.FrameEnvelope;
import io.flinkvision.schemas.internal.FrameOutcome;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where a pipeline's frames end: completes their futures, counts them and tells the listener. The
 * one place that counts outcomes: a frame is counted by whichever call completes its future, and
 * only by that one, so framesIn = framesLabelled + framesDeadLettered once every frame has ended,
 * even when a frame is given up on (expired, or abandoned by an interrupted close) while it runs.
 */
final class OutcomeLedger {
    private final PipelineListener listener;
    private final Clock wallClock;
    private final LongAdder framesIn = new LongAdder();
    private final LongAdder framesLabelled = new LongAdder();
    private final LongAdder framesDeadLettered = new LongAdder();
    private final LongAdder batchesRun = new LongAdder();

    OutcomeLedger(PipelineListener listener, Clock wallClock) {
        this.listener = listener;
        this.wallClock = wallClock;
    }

    Instant now() {
        return wallClock.instant();
    }

    void frameIn() {
        framesIn.increment();
        listener.frameIn();
    }

    void batchRun(int size, long inferenceNanos) {
        batchesRun.increment();
        listener.batchRun(size, inferenceNanos);
    }

    PipelineListener listener() {
        return listener;
    }

    void labelled(CompletableFuture<FrameOutcome> result, FrameResult decoded, FrameOutcome outcome) {
        // Counting only what this call completed keeps the counts honest when the frame was
        // already given up on (expired, or abandoned by an interrupted close).
        if (result.complete(outcome)) {
            framesLabelled.increment();
            listener.labelled();
            listener.decoded(decoded);
        }
    }

    /** @return whether this call ended the frame (false: it already had its outcome, which it keeps) */
    boolean deadLetter(FrameEnvelope envelope, CompletableFuture<FrameOutcome> result, ReasonCode reason,
            String message) {
        if (result.isDone()) {
            return false; // don't build a dead letter that cannot be used
        }
        if (result.complete(DeadLetters.outcome(envelope, reason, message, now()))) {
            framesDeadLettered.increment();
            listener.deadLettered(reason);
            return true;
        }
        return false;
    }

    long framesIn() {
        return framesIn.sum();
    }

    long framesLabelled() {
        return framesLabelled.sum();
    }

    long framesDeadLettered() {
        return framesDeadLettered.sum();
    }

    long batchesRun() {
        return batchesRun.sum();
    }
}
