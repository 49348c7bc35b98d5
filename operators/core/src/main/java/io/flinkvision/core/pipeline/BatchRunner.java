package io.flinkvision.core.pipeline;

import io.flinkvision.core.outcome.DeadLetters;
import io.flinkvision.core.runtime.InferenceFailures;
import io.flinkvision.core.runtime.InvalidModelOutputException;
import io.flinkvision.core.runtime.ModelRunner;
import io.flinkvision.core.runtime.Tensor;
import io.flinkvision.schemas.ModelIdentity;
import io.flinkvision.schemas.ReasonCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one batch through the model and has the translator decode each frame's outputs. A run that
 * fails transiently ({@link InferenceFailures}) is retried with backoff as {@link RetryPolicy} says,
 * with only the frames that have not ended meanwhile, on whatever runner the {@link DeviceBreaker}
 * holds by then; a run that fails for good dead-letters the whole batch (INFERENCE_FAILED, or
 * INVALID_MODEL_OUTPUT when the outputs break the contract), a frame whose own outputs are invalid
 * (NaN, infinity, wrong shape) or cannot be decoded only that frame.
 */
final class BatchRunner {
    private static final Logger LOG = LoggerFactory.getLogger(BatchRunner.class);

    private final DeviceBreaker breaker;
    private final RetryPolicy retries;
    private final FrameTranslator translator;
    private final ModelIdentity model;
    private final LongSupplier nanoClock;
    private final OutcomeLedger outcomes;

    BatchRunner(DeviceBreaker breaker, RetryPolicy retries, FrameTranslator translator, ModelIdentity model,
            LongSupplier nanoClock, OutcomeLedger outcomes) {
        this.breaker = breaker;
        this.retries = retries;
        this.translator = translator;
        this.model = model;
        this.nanoClock = nanoClock;
        this.outcomes = outcomes;
    }

    /** Runs the frames of the batch that have not ended (expired) while it waited; none: nothing runs. */
    void run(List<PendingFrame> formed) {
        List<PendingFrame> batch = stillWaiting(formed);
        for (int attempt = 1; !batch.isEmpty(); attempt++) {
            int size = batch.size();
            List<Map<String, Tensor>> samples = new ArrayList<>(size);
            for (PendingFrame frame : batch) {
                samples.add(frame.sample().inputs());
            }
            ModelRunner runner = breaker.current();
            long start = nanoClock.getAsLong();
            List<Map<String, Tensor>> outputs;
            try {
                outputs = runner.run(samples);
                if (outputs == null || outputs.size() != size) {
                    throw new InvalidModelOutputException("the model returned " + (outputs == null ? "no" : outputs.size())
                            + " outputs for a batch of " + size);
                }
            } catch (Throwable failure) {
                outcomes.batchRun(size, nanoClock.getAsLong() - start);
                boolean transientFailure = InferenceFailures.isTransient(failure);
                if (transientFailure) {
                    breaker.failed(runner, failure);
                }
                if (transientFailure && attempt < retries.maxAttempts() && backOff(attempt + 1)) {
                    LOG.info("Inference of a batch of {} failed transiently (attempt {} of {}), retrying: {}", size,
                            attempt, retries.maxAttempts(), DeadLetters.describe(failure));
                    outcomes.listener().batchRetried();
                    batch = stillWaiting(batch);
                    continue;
                }
                LOG.warn("Inference of a batch of {} failed{}; its frames become dead letters", size,
                        attempt > 1 ? " after " + attempt + " attempts" : "", failure);
                fail(batch, InferenceFailures.isInvalidOutput(failure) ? ReasonCode.INVALID_MODEL_OUTPUT
                        : ReasonCode.INFERENCE_FAILED, "inference of a batch of " + size + " failed"
                        + (attempt > 1 ? " after " + attempt + " attempts" : "") + ": " + DeadLetters.describe(failure));
                Fatal.rethrow(failure);
                return;
            }
            breaker.succeeded(runner);
            long inferenceNanos = nanoClock.getAsLong() - start;
            outcomes.batchRun(size, inferenceNanos);
            for (int i = 0; i < size; i++) {
                label(batch.get(i), outputs.get(i), start, inferenceNanos, size);
            }
            return;
        }
    }

    private void label(PendingFrame frame, Map<String, Tensor> outputs, long start, long inferenceNanos, int size) {
        String invalid = nonFinite(outputs);
        if (invalid != null) {
            outcomes.deadLetter(frame.envelope(), frame.result(), ReasonCode.INVALID_MODEL_OUTPUT, invalid);
            return;
        }
        try {
            FrameResult result = translator.decode(frame.sample(), outputs);
            outcomes.labelled(frame.result(), result,
                    LabelledFrames.outcome(frame, model, result, start, inferenceNanos, size, outcomes.now()));
        } catch (IllegalArgumentException e) {
            // The translators' word for outputs that break the model's contract (missing, wrong length)
            outcomes.deadLetter(frame.envelope(), frame.result(), ReasonCode.INVALID_MODEL_OUTPUT,
                    "the model output breaks its contract: " + DeadLetters.describe(e));
        } catch (Throwable failure) {
            outcomes.deadLetter(frame.envelope(), frame.result(), ReasonCode.INFERENCE_FAILED,
                    "cannot decode the model output: " + DeadLetters.describe(failure));
            Fatal.rethrow(failure);
        }
    }

    /** Why the frame's float outputs cannot be used (a NaN or infinity), or null when they can. */
    private static String nonFinite(Map<String, Tensor> outputs) {
        for (Map.Entry<String, Tensor> output : outputs.entrySet()) {
            Tensor t = output.getValue();
            if (t == null || t.type() != Tensor.ElementType.FLOAT32) {
                continue;
            }
            float[] values = t.floats();
            for (int i = 0; i < values.length; i++) {
                if (!Float.isFinite(values[i])) {
                    return "the model output '" + output.getKey() + "' holds " + values[i] + " at index " + i
                            + ": scores must be finite";
                }
            }
        }
        return null;
    }

    /** Waits before attempt {@code attempt}; false when interrupted (the flag is kept): no retry then. */
    private boolean backOff(int attempt) {
        long millis = retries.backoffMillis(attempt);
        if (millis == 0) {
            return true;
        }
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The frames of {@code batch} that have no outcome yet; the batch itself when that is all of them. */
    static List<PendingFrame> stillWaiting(List<PendingFrame> batch) {
        for (PendingFrame frame : batch) {
            if (frame.ended()) {
                return batch.stream().filter(f -> !f.ended()).toList();
            }
        }
        return batch;
    }

    void fail(List<PendingFrame> batch, ReasonCode reason, String message) {
        for (PendingFrame frame : batch) {
            outcomes.deadLetter(frame.envelope(), frame.result(), reason, message);
        }
    }
}
