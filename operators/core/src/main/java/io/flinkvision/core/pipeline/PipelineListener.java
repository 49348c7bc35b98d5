package io.flinkvision.core.pipeline;

import io.flinkvision.schemas.ReasonCode;

/**
 * What an {@link InferencePipeline} reports as it works, for metrics. Called from the pipeline's
 * threads, concurrently: implementations must be thread-safe and quick.
 */
public interface PipelineListener {
    /** Reports nothing. */
    PipelineListener NONE = new PipelineListener() {};

    /** A frame was submitted. */
    default void frameIn() {}

    /** A frame was labelled. */
    default void labelled() {}

    /** What a labelled frame's outputs decoded to (its boxes, NMS time, secondary classifications), right after {@link #labelled()}. */
    default void decoded(FrameResult result) {}

    /** A frame became a dead letter. */
    default void deadLettered(ReasonCode reason) {}

    /** A batch went through the model (whether the run succeeded or not). */
    default void batchRun(int size, long inferenceNanos) {}
}
