package io.flinkvision.core.pipeline;

import io.flinkvision.core.FrameRejectedException;
import io.flinkvision.core.runtime.Tensor;
import io.flinkvision.schemas.Frame;
import java.util.Map;

/**
 * What a task does around the model, so that one {@link InferencePipeline} serves every task:
 * {@link #prepare} turns a frame into the model's input sample, {@link #decode} turns the sample's
 * outputs into the frame's result. Classification ({@link ClassificationTranslator}) and detection
 * ({@link DetectionTranslator}) differ only here; batching, model sharing and outcomes are the
 * pipeline's. Called concurrently: implementations are thread-safe.
 */
public interface FrameTranslator {

    /**
     * Decode + preprocess, on a preprocessing thread.
     *
     * @throws FrameRejectedException when the frame cannot be used; its reason goes to the dead letter
     */
    PreparedSample prepare(Frame frame) throws FrameRejectedException;

    /**
     * The frame's result from its sample's outputs (by name, without the batch dimension), on an
     * inference thread.
     *
     * @throws Exception when the outputs break the model's contract (IllegalArgumentException) or a
     *     further model run (a secondary classifier) fails: the frame becomes an INFERENCE_FAILED
     *     dead letter saying why
     */
    FrameResult decode(PreparedSample sample, Map<String, Tensor> outputs) throws Exception;
}
