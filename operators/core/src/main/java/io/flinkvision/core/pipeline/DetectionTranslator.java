package io.flinkvision.core.pipeline;

import io.flinkvision.core.FrameRejectedException;
import io.flinkvision.core.image.DecodeBudget;
import io.flinkvision.core.detection.DetectionResult;
import io.flinkvision.core.detection.ObjectDetector;
import io.flinkvision.core.model.ModelSpec;
import io.flinkvision.core.runtime.InferenceException;
import io.flinkvision.core.runtime.Tensor;
import io.flinkvision.schemas.Frame;
import java.util.List;
import java.util.Map;

/**
 * Detection: the frame through the detector's letterbox (or other resize), its outputs decoded to
 * boxes in frame pixels ({@link ObjectDetector}); with a {@link SecondaryClassifier}, the chosen
 * boxes are then cropped from the same decoded frame and classified (detect+classify). Only then
 * does the sample keep its decoded pixels until the model ran.
 */
public final class DetectionTranslator implements FrameTranslator {
    private final DecodeAndPreprocess preparer;
    private final ObjectDetector detector;
    /** Null: detection only. */
    private final SecondaryClassifier secondary;

    public DetectionTranslator(ModelSpec detector, long maxPixels) {
        this(detector, DecodeBudget.ofPixels(maxPixels));
    }

    public DetectionTranslator(ModelSpec detector, DecodeBudget budget) {
        this(detector, budget, null);
    }

    /** @param secondary classifies the detected boxes; null for none */
    public DetectionTranslator(ModelSpec detector, DecodeBudget budget, SecondaryClassifier secondary) {
        this.preparer = new DecodeAndPreprocess(detector, budget, secondary != null);
        this.detector = new ObjectDetector(detector);
        this.secondary = secondary;
    }

    @Override
    public PreparedSample prepare(Frame frame) throws FrameRejectedException {
        return preparer.prepare(frame);
    }

    @Override
    public FrameResult decode(PreparedSample sample, Map<String, Tensor> outputs) throws InferenceException {
        DetectionResult result = detector.detect(outputs, sample.placement());
        if (secondary == null || result.detections().isEmpty()) {
            return new FrameResult(List.of(), result.detections(), result.nmsNanos(), 0);
        }
        SecondaryClassifier.Classified classified = secondary.classify(sample.image(), result.detections());
        return new FrameResult(List.of(), classified.detections(), result.nmsNanos(), classified.classifiedBoxes());
    }
}
