package io.flinkvision.core.pipeline;

import io.flinkvision.core.outcome.DeadLetters;

import io.flinkvision.core.FrameRejectedException;
import io.flinkvision.schemas.Frame;
import io.flinkvision.schemas.ReasonCode;
import io.flinkvision.schemas.internal.FrameEnvelope;
import io.flinkvision.schemas.internal.FrameOutcome;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** Prepares one frame and passes it on to be batched; a frame that cannot be prepared is dead-lettered. */
final class Preparation {
    private final FrameTranslator translator;
    private final OutcomeLedger outcomes;
    private final Consumer<PendingFrame> next;

    Preparation(FrameTranslator translator, OutcomeLedger outcomes, Consumer<PendingFrame> next) {
        this.translator = translator;
        this.outcomes = outcomes;
        this.next = next;
    }

    FrameTask task(FrameEnvelope envelope, Frame frame, long arrivalNanos, CompletableFuture<FrameOutcome> result) {
        return FrameTask.of(() -> prepare(envelope, frame, arrivalNanos, result),
                why -> outcomes.deadLetter(envelope, result, ReasonCode.UNKNOWN, why));
    }

    private void prepare(FrameEnvelope envelope, Frame frame, long arrivalNanos, CompletableFuture<FrameOutcome> result) {
        if (result.isDone()) {
            return; // expired while it waited for a preprocessing thread
        }
        PreparedSample sample;
        try {
            sample = translator.prepare(frame);
        } catch (FrameRejectedException e) {
            outcomes.deadLetter(envelope, result, e.reason() != null ? e.reason() : ReasonCode.UNKNOWN, e.getMessage());
            return;
        } catch (Throwable failure) {
            outcomes.deadLetter(envelope, result, ReasonCode.UNKNOWN, "preprocessing failed: " + DeadLetters.describe(failure));
            Fatal.rethrow(failure);
            return;
        }
        if (result.isDone()) {
            return; // expired while it was prepared: don't make it take a place in a batch
        }
        try {
            next.accept(new PendingFrame(envelope, sample, arrivalNanos, result));
        } catch (IllegalStateException e) {
            outcomes.deadLetter(envelope, result, ReasonCode.UNKNOWN,
                    "the inference pipeline closed before the frame could be batched");
        }
    }
}
