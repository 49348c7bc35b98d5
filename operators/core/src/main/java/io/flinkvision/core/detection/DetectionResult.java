package io.flinkvision.core.detection;

import io.flinkvision.schemas.Detection;
import java.util.List;

/**
 * One frame's detections, highest score first, boxes in frame pixels.
 *
 * @param candidates boxes the decoder proposed above the score threshold, before suppression
 * @param nmsNanos time spent ordering and suppressing them
 */
public record DetectionResult(List<Detection> detections, int candidates, long nmsNanos) {
    public DetectionResult {
        detections = List.copyOf(detections);
    }
}
