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

    /** A batch whose run failed transiently is run again. */
    default void batchRetried() {}

    /**
     * The runner's device kept failing and is out of service.
     *
     * @param replacement the device batches go to now ("cpu"), or null when they stay on the failing one
     */
    default void deviceOutOfService(String device, String replacement) {}

    /** A decode did not stop at its deadline and was abandoned (its frame ended as DECODE_TIMEOUT). */
    default void decodeAbandoned() {}
}
