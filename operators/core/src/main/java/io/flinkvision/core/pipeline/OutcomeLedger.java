package io.flinkvision.core.pipeline;

import io.flinkvision.core.outcome.DeadLetters;

import io.flinkvision.schemas.ReasonCode;
import io.flinkvision.schemas.internal.FrameEnvelope;
import io.flinkvision.schemas.internal.FrameOutcome;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

/** Where a pipeline's frames end: completes their futures, counts them and tells the listener. */
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

    void labelled(CompletableFuture<FrameOutcome> result, FrameOutcome outcome) {
        // Counting only what this call completed keeps the counts honest when an interrupted
        // close already gave up on the frame.
        if (result.complete(outcome)) {
            framesLabelled.increment();
            listener.labelled();
        }
    }

    void deadLetter(FrameEnvelope envelope, CompletableFuture<FrameOutcome> result, ReasonCode reason, String message) {
        if (result.complete(DeadLetters.outcome(envelope, reason, message, now()))) {
            framesDeadLettered.increment();
            listener.deadLettered(reason);
        }
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
