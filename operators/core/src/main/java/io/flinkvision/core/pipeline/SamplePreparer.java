package io.flinkvision.core.pipeline;

import io.flinkvision.core.FrameRejectedException;
import io.flinkvision.schemas.Frame;

/** Turns a frame into a model input sample (decode + preprocess). Called concurrently. */
@FunctionalInterface
public interface SamplePreparer {

    /** @throws FrameRejectedException when the frame cannot be used; its reason goes to the dead letter */
    PreparedSample prepare(Frame frame) throws FrameRejectedException;
}
