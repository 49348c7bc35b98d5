package io.flinkvision.core.pipeline;

import io.flinkvision.schemas.Classification;
import io.flinkvision.schemas.Detection;
import java.util.List;

/**
 * What a frame's model outputs decoded to: top-k classes (classification) and detections (detection;
 * with a secondary classifier, each carrying its own top-k).
 *
 * @param nmsNanos time spent suppressing overlapping boxes (0 for classification)
 * @param secondaryClassifications boxes the secondary classifier labelled
 */
public record FrameResult(List<Classification> topK, List<Detection> detections, long nmsNanos,
        int secondaryClassifications) {

    public FrameResult {
        topK = List.copyOf(topK);
        detections = List.copyOf(detections);
    }

    public static FrameResult classified(List<Classification> topK) {
        return new FrameResult(topK, List.of(), 0, 0);
    }
}
