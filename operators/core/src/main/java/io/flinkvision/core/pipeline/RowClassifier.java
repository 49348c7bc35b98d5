package io.flinkvision.core.pipeline;

import io.flinkvision.schemas.Classification;
import java.util.List;

/** Turns one model output row into the frame's top classes, best first. Called concurrently. */
@FunctionalInterface
public interface RowClassifier {
    List<Classification> classify(float[] outputRow);
}
