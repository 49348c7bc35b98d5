package io.flinkvision.core.pipeline;

import io.flinkvision.core.outcome.DeadLetters;
import io.flinkvision.core.runtime.InferenceException;
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
 * Runs one batch through the model and has the translator decode each frame's outputs; a failed run
 * dead-letters the whole batch, a frame whose outputs cannot be decoded only that frame.
 */
final class BatchRunner {
    private static final Logger LOG = LoggerFactory.getLogger(BatchRunner.class);

    private final ModelRunner runner;
    private final FrameTranslator translator;
    private final ModelIdentity model;
    private final LongSupplier nanoClock;
    private final OutcomeLedger outcomes;

    BatchRunner(ModelRunner runner, FrameTranslator translator, ModelIdentity model, LongSupplier nanoClock,
            OutcomeLedger outcomes) {
        this.runner = runner;
        this.translator = translator;
        this.model = model;
        this.nanoClock = nanoClock;
        this.outcomes = outcomes;
    }

    /** Runs the frames of the batch that have not ended (expired) while it waited; none: nothing runs. */
    void run(List<PendingFrame> formed) {
        List<PendingFrame> batch = stillWaiting(formed);
        if (batch.isEmpty()) {
            return;
        }
        int size = batch.size();
        List<Map<String, Tensor>> samples = new ArrayList<>(size);
        for (PendingFrame frame : batch) {
            samples.add(frame.sample().inputs());
        }
        long start = nanoClock.getAsLong();
        List<Map<String, Tensor>> outputs;
        try {
            outputs = runner.run(samples);
            if (outputs == null || outputs.size() != size) {
                throw new InferenceException("the model returned " + (outputs == null ? "no" : outputs.size())
                        + " outputs for a batch of " + size);
            }
        } catch (Throwable failure) {
            outcomes.batchRun(size, nanoClock.getAsLong() - start);
            LOG.warn("Inference of a batch of {} failed; its frames become dead letters", size, failure);
            fail(batch, ReasonCode.INFERENCE_FAILED,
                    "inference of a batch of " + size + " failed: " + DeadLetters.describe(failure));
            Fatal.rethrow(failure);
            return;
        }
        long inferenceNanos = nanoClock.getAsLong() - start;
        outcomes.batchRun(size, inferenceNanos);
        for (int i = 0; i < size; i++) {
            PendingFrame frame = batch.get(i);
            try {
                FrameResult result = translator.decode(frame.sample(), outputs.get(i));
                outcomes.labelled(frame.result(), result,
                        LabelledFrames.outcome(frame, model, result, start, inferenceNanos, size, outcomes.now()));
            } catch (Throwable failure) {
                outcomes.deadLetter(frame.envelope(), frame.result(), ReasonCode.INFERENCE_FAILED,
                        "cannot decode the model output: " + DeadLetters.describe(failure));
                Fatal.rethrow(failure);
            }
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
