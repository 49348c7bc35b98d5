package io.flinkvision.core.model;

import java.io.Serializable;
import java.util.List;

/**
 * A detector's output contract and what is kept of it: the decoder and its parameters, the output
 * tensors it reads (in the decoder's order), the number of classes, and the filtering applied to the
 * decoded boxes: score threshold, class-aware NMS, a cap per frame.
 *
 * @param outputs the output tensors the decoder reads: YOLOX {@code [predictions]}; EfficientDet
 *     {@code [class scores, box deltas]}; boxes {@code [boxes, scores?, classes?, count?]} (present ones)
 * @param classes number of classes the model scores; 0 when the model does not say (boxes decoder)
 * @param scoreThreshold boxes scoring below it are dropped (0..1)
 * @param nmsIouThreshold a box is suppressed by a higher-scoring box of the same class overlapping it
 *     by more than this IoU; 1 suppresses nothing
 * @param maxDetections most boxes kept per frame, highest scores first
 */
public record DetectionSpec(DecoderKind decoder, DecoderParameters parameters, List<String> outputs, int classes,
        float scoreThreshold, float nmsIouThreshold, int maxDetections) implements Serializable {

    public DetectionSpec {
        if (decoder == null || parameters == null || outputs == null || outputs.isEmpty()) {
            throw new IllegalArgumentException("a detection spec needs a decoder, its parameters and its outputs");
        }
        outputs = List.copyOf(outputs);
        if (!(scoreThreshold >= 0f && scoreThreshold <= 1f)) {
            throw new IllegalArgumentException("the score threshold must be in [0, 1], got " + scoreThreshold
                    + " (--score-threshold)");
        }
        if (!(nmsIouThreshold > 0f && nmsIouThreshold <= 1f)) {
            throw new IllegalArgumentException("the NMS IoU threshold must be in (0, 1] (1 suppresses nothing), got "
                    + nmsIouThreshold + " (--nms-iou)");
        }
        if (maxDetections < 1) {
            throw new IllegalArgumentException("at least one detection per frame must be kept, got " + maxDetections
                    + " (--max-detections)");
        }
        if (classes < 0) {
            throw new IllegalArgumentException("number of classes must be >= 0, got " + classes);
        }
    }
}
