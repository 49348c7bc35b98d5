package io.flinkvision.core.pipeline;

import io.flinkvision.core.outcome.DeadLetters;

import io.flinkvision.core.FrameRejectedException;
import io.flinkvision.core.image.DecodeDeadline;
import io.flinkvision.schemas.Frame;
import io.flinkvision.schemas.ReasonCode;
import io.flinkvision.schemas.internal.FrameEnvelope;
import io.flinkvision.schemas.internal.FrameOutcome;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;

/**
 * Prepares one frame and passes it on to be batched; a frame that cannot be prepared is dead-lettered,
 * and one not prepared within the decode timeout is a DECODE_TIMEOUT dead letter.
 */
final class Preparation {
    private final FrameTranslator translator;
    private final OutcomeLedger outcomes;
    private final Consumer<PendingFrame> next;
    private final DecodeWatchdog watchdog;

    Preparation(FrameTranslator translator, OutcomeLedger outcomes, Consumer<PendingFrame> next, DecodeWatchdog watchdog) {
        this.translator = translator;
        this.outcomes = outcomes;
        this.next = next;
        this.watchdog = watchdog;
    }

    Task task(FrameEnvelope envelope, Frame frame, long arrivalNanos, CompletableFuture<FrameOutcome> result) {
        return new Task(envelope, frame, arrivalNanos, result);
    }

    /** One frame's preparation, queued, running or done; guarded by itself. */
    final class Task implements FrameTask {
        private final FrameEnvelope envelope;
        private final Frame frame;
        private final long arrivalNanos;
        private final CompletableFuture<FrameOutcome> result;
        private boolean started;
        private boolean finished;
        private boolean abandoned;

        Task(FrameEnvelope envelope, Frame frame, long arrivalNanos, CompletableFuture<FrameOutcome> result) {
            this.envelope = envelope;
            this.frame = frame;
            this.arrivalNanos = arrivalNanos;
            this.result = result;
        }

        /** Whether a thread took it up: if not, it can still be taken out of the queue. */
        synchronized boolean started() {
            return started;
        }

        @Override
        public void run() {
            synchronized (this) {
                started = true;
            }
            if (result.isDone()) {
                finish();
                return; // expired while it waited for a preprocessing thread
            }
            ScheduledFuture<?> overdue = watchdog.watch(this::overdue);
            try {
                prepare();
            } finally {
                overdue.cancel(false);
                finish();
            }
        }

        private void finish() {
            boolean wasAbandoned;
            synchronized (this) {
                finished = true;
                wasAbandoned = abandoned;
            }
            if (wasAbandoned) {
                watchdog.abandonedReturned();
            }
        }

        /** On the watchdog: the preparation is past its timeout and did not stop by itself. */
        private void overdue() {
            synchronized (this) {
                if (finished) {
                    return;
                }
                abandoned = true;
            }
            watchdog.abandoned();
            outcomes.listener().decodeAbandoned();
            outcomes.deadLetter(envelope, result, ReasonCode.DECODE_TIMEOUT, "not decoded and preprocessed within the"
                    + " decode timeout of " + watchdog.timeoutNanos() / 1_000_000 + " ms (decode-timeout); the decode"
                    + " did not stop and was abandoned");
        }

        @Override
        public void abandon(String why) {
            outcomes.deadLetter(envelope, result, ReasonCode.UNKNOWN, why);
        }

        private void prepare() {
            PreparedSample sample;
            try (DecodeDeadline deadline = DecodeDeadline.start(watchdog.timeoutNanos())) {
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
}
